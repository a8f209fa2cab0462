import { randomUUID } from 'node:crypto';
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
  /** How many times the cloud answered it 500, a fault of its own that applied none of it (decision 54). */
  serverFaults: number;
}

/** Written before the batch is sent: if its answer never comes, the next push sends it again under the same id. */
export async function putOutboxBatch(tx: EntityManager, batch: Omit<OutboxBatch, 'serverFaults'>, serverFaults = 0): Promise<void> {
  await tx.query('INSERT INTO push_outbox (batch_id, changes, sent, server_faults) VALUES (?, ?, ?, ?)', [
    batch.batchId,
    batch.sent.length,
    JSON.stringify(batch.sent),
    serverFaults,
  ]);
}

/** How many changes the outbox holds, for the push's progress. */
export async function outboxChangeCount(db: EntityManager): Promise<number> {
  const [{ count }]: { count: number }[] = await db.query('SELECT COALESCE(SUM(changes), 0) AS count FROM push_outbox');
  return count;
}

/** The batch sent first among those whose answer was never applied, leaving out `skipping` (tried already), or null. */
export async function oldestOutboxBatch(db: EntityManager, skipping: ReadonlySet<string> = new Set()): Promise<OutboxBatch | null> {
  const [row]: { batchId: string; sent: string; serverFaults: number }[] = await db.query(
    `SELECT batch_id AS batchId, sent, server_faults AS serverFaults FROM push_outbox
     WHERE batch_id NOT IN (${[...skipping].map(() => '?').join(', ')}) ORDER BY seq LIMIT 1`,
    [...skipping],
  );
  return row ? { batchId: row.batchId, sent: JSON.parse(row.sent) as SentChange[], serverFaults: row.serverFaults } : null;
}

/** Counts one more 500 for the batch; returns how many it has had. */
export async function countServerFault(tx: EntityManager, batchId: string): Promise<number> {
  // Two statements: TypeORM's sqlite driver runs an UPDATE without returning rows, RETURNING included.
  await tx.query('UPDATE push_outbox SET server_faults = server_faults + 1 WHERE batch_id = ?', [batchId]);
  const [row]: { serverFaults: number }[] = await tx.query('SELECT server_faults AS serverFaults FROM push_outbox WHERE batch_id = ?', [batchId]);
  return row?.serverFaults ?? 0;
}

/** After any other failure (a lost answer may hide an applied batch), the batch is one to send whole again. */
export async function forgetServerFaults(tx: EntityManager, batchId: string): Promise<void> {
  await tx.query('UPDATE push_outbox SET server_faults = 0 WHERE batch_id = ?', [batchId]);
}

/**
 * Replaces a batch the cloud applied none of by one batch per change, under
 * new ids, each keeping the batch's faults: the change the cloud fails on
 * is then one batch of its own, and the others go through.
 */
export async function splitOutboxBatch(tx: EntityManager, batch: OutboxBatch): Promise<void> {
  if (!(await takeOutboxBatch(tx, batch.batchId))) return;
  for (const change of batch.sent) await putOutboxBatch(tx, { batchId: randomUUID(), sent: [change] }, batch.serverFaults);
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
