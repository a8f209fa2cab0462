import type { EntityManager } from 'typeorm';
import type { PushChange } from '../../contract/sync-http';

/** One device of a push batch as it went out: the change, and the local edit (local_seq) it carries. */
export interface SentChange {
  uuid: string;
  localSeq: number;
  change: PushChange;
}

/** A push batch between being sent and its answer being applied (decision 45). */
export interface OutboxBatch {
  batchId: string;
  sent: SentChange[];
}

/** Written before the batch is sent: if its answer never comes, the next push sends it again under the same id. */
export async function putOutboxBatch(tx: EntityManager, batch: OutboxBatch): Promise<void> {
  await tx.query('INSERT INTO push_outbox (batch_id, changes, sent) VALUES (?, ?, ?)', [batch.batchId, batch.sent.length, JSON.stringify(batch.sent)]);
}

/** How many changes the outbox holds, for the push's progress. */
export async function outboxChangeCount(db: EntityManager): Promise<number> {
  const [{ count }]: { count: number }[] = await db.query('SELECT COALESCE(SUM(changes), 0) AS count FROM push_outbox');
  return count;
}

/** The batch sent first among those whose answer was never applied, or null. */
export async function oldestOutboxBatch(db: EntityManager): Promise<OutboxBatch | null> {
  const [row]: { batchId: string; sent: string }[] = await db.query('SELECT batch_id AS batchId, sent FROM push_outbox ORDER BY seq LIMIT 1');
  return row ? { batchId: row.batchId, sent: JSON.parse(row.sent) as SentChange[] } : null;
}

/**
 * Removes the batch, in the transaction that applies its answer. False when
 * it was gone already: another process of this data dir applied that
 * answer first, or an enrolment with another cloud forgot it. Either way
 * the answer must not be applied (again).
 */
export async function takeOutboxBatch(tx: EntityManager, batchId: string): Promise<boolean> {
  const [{ count }]: { count: number }[] = await tx.query('SELECT COUNT(*) AS count FROM push_outbox WHERE batch_id = ?', [batchId]);
  if (count === 0) return false;
  await tx.query('DELETE FROM push_outbox WHERE batch_id = ?', [batchId]);
  return true;
}
