import { EntitySchema } from 'typeorm';

/** The cloud's own audit of each push and pull request. */
export interface CloudSyncLog {
  id: number;
  instanceId: string;
  siteId: string;
  direction: 'push' | 'pull';
  at: string;
  status: 'ok' | 'partial' | 'error';
  received: number;
  sent: number;
  applied: number;
  conflicts: number;
  rejected: number;
  error: string | null;
}

export const CloudSyncLogEntity = new EntitySchema<CloudSyncLog>({
  name: 'CloudSyncLog',
  tableName: 'sync_log',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    instanceId: { name: 'instance_id', type: 'varchar', length: 36 },
    siteId: { name: 'site_id', type: 'varchar', length: 64 },
    direction: { type: 'varchar', length: 8 },
    at: { type: 'varchar', length: 30 },
    status: { type: 'varchar', length: 8 },
    received: { type: 'integer', default: 0 },
    sent: { type: 'integer', default: 0 },
    applied: { type: 'integer', default: 0 },
    conflicts: { type: 'integer', default: 0 },
    rejected: { type: 'integer', default: 0 },
    error: { type: 'text', nullable: true },
  },
});
