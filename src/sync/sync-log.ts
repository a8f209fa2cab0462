import { In, type EntityManager } from 'typeorm';
import { isoNow } from '../domain/clock';
import { SyncLogEntity, type SyncDirection, type SyncLogRow } from '../db/local/entities/sync-log.entity';
import type { AttemptSummary, SyncContext } from './sync-context';
import { SyncFailure } from './sync-failure';

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

/**
 * Runs one push or pull attempt and writes its log row, however it ends. A
 * failure to reach or use the cloud ends the attempt as `error`; any other
 * error is a fault of ours and is thrown after it is logged.
 */
export async function recordAttempt(
  context: SyncContext,
  direction: SyncDirection,
  attempt: (summary: AttemptSummary) => Promise<void>,
): Promise<AttemptSummary> {
  const startedAt = isoNow(context.clock);
  const summary: AttemptSummary = { status: 'ok', sent: 0, received: 0, applied: 0, conflicts: 0, skipped: 0, rejected: 0, error: null };
  try {
    await attempt(summary);
  } catch (error) {
    summary.status = 'error';
    summary.error = error instanceof Error ? error.message : String(error);
    if (!(error instanceof SyncFailure)) throw error;
    summary.failureKind = error.kind;
  } finally {
    const { failureKind: _notStored, ...counts } = summary;
    const finishedAt = isoNow(context.clock);
    await context.db.write((tx) => logSyncAttempt(tx, { direction, trigger: context.trigger, startedAt, finishedAt, ...counts }));
  }
  return summary;
}
