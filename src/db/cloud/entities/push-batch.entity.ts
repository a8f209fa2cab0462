import { EntitySchema } from 'typeorm';

/** The stored answer of a push batch, so a retried batch is answered and not applied twice. */
export interface PushBatch {
  instanceId: string;
  batchId: string;
  response: string;
  createdAt: string;
}

export const PushBatchEntity = new EntitySchema<PushBatch>({
  name: 'PushBatch',
  tableName: 'push_batches',
  columns: {
    instanceId: { name: 'instance_id', type: 'varchar', length: 36, primary: true },
    batchId: { name: 'batch_id', type: 'varchar', length: 36, primary: true },
    response: { type: 'text' },
    createdAt: { name: 'created_at', type: 'varchar', length: 30 },
  },
});
