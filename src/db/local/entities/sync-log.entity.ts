import { EntitySchema } from 'typeorm';

export type SyncDirection = 'push' | 'pull';
export type SyncTrigger = 'manual' | 'schedule' | 'startup' | 'live';
export type SyncStatus = 'ok' | 'partial' | 'error';

/** One sync attempt, as CONTRACT.md's log row. */
export interface SyncLogRow {
  id: number;
  direction: SyncDirection;
  trigger: SyncTrigger;
  startedAt: string;
  finishedAt: string;
  status: SyncStatus;
  sent: number;
  received: number;
  applied: number;
  conflicts: number;
  skipped: number;
  rejected: number;
  error: string | null;
}

export const SyncLogEntity = new EntitySchema<SyncLogRow>({
  name: 'SyncLog',
  tableName: 'sync_log',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    direction: { type: 'varchar', length: 8 },
    trigger: { type: 'varchar', length: 16 },
    startedAt: { name: 'started_at', type: 'varchar', length: 30 },
    finishedAt: { name: 'finished_at', type: 'varchar', length: 30 },
    status: { type: 'varchar', length: 8 },
    sent: { type: 'integer', default: 0 },
    received: { type: 'integer', default: 0 },
    applied: { type: 'integer', default: 0 },
    conflicts: { type: 'integer', default: 0 },
    skipped: { type: 'integer', default: 0 },
    rejected: { type: 'integer', default: 0 },
    error: { type: 'text', nullable: true },
  },
});
