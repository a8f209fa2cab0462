import { In, type EntityManager } from 'typeorm';
import { SyncLogEntity, type SyncLogRow } from '../db/local/entities/sync-log.entity';

/** Writes the audit row of one sync attempt, success or failure. */
export async function logSyncAttempt(tx: EntityManager, attempt: Omit<SyncLogRow, 'id'>): Promise<SyncLogRow> {
  const result = await tx.getRepository(SyncLogEntity).insert(attempt);
  return { ...attempt, id: result.identifiers[0].id };
}

/** Attempts, newest first; `succeededOnly` leaves out the failed ones. */
export async function listSyncLog(db: EntityManager, limit: number, direction?: SyncLogRow['direction'], succeededOnly = false): Promise<SyncLogRow[]> {
  return db.getRepository(SyncLogEntity).find({
    where: { ...(direction ? { direction } : {}), ...(succeededOnly ? { status: In(['ok', 'partial']) } : {}) },
    order: { id: 'DESC' },
    take: limit,
  });
}
