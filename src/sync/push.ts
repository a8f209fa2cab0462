import type { EntityManager } from 'typeorm';
import { MAX_PUSH_BATCH, type PushChange, type PushResponse } from '../contract/sync-http';
import { isoNow } from '../domain/clock';
import { pickFields } from '../domain/device';
import { missingSyncField, serialize } from '../domain/serialize';
import {
  countDirty,
  dirtyRecords,
  localSeqs,
  markPushed,
  markRejected,
  upsertSyncStates,
  type LocalRecord,
  type SyncStateRow,
} from '../db/local/device-store';
import { assertSameEnrolment } from './enrolment-guard';
import { applyUpdate } from './merge';
import { recordAttempt } from './sync-log';
import type { AttemptSummary, SyncContext } from './sync-context';

/** The most the cloud takes in one batch (MAX_PUSH_BATCH): fewer round trips for an incremental sync. */
export const PUSH_BATCH_SIZE = MAX_PUSH_BATCH;

/** Well below the cloud's body limit (8 MiB), whatever the devices hold. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** Splits a batch so that no request body outgrows `maxBytes`: 1000 devices with long notes are sent in parts, never refused whole. */
function partsUnder(maxBytes: number, records: LocalRecord[]): { records: LocalRecord[]; changes: PushChange[] }[] {
  const parts: { records: LocalRecord[]; changes: PushChange[] }[] = [];
  let bytes = Infinity;
  for (const record of records) {
    const change = serialize(record.device, record.baseVersion);
    const size = Buffer.byteLength(JSON.stringify(change));
    if (bytes + size > maxBytes) {
      parts.push({ records: [], changes: [] });
      bytes = 0;
    }
    parts[parts.length - 1].records.push(record);
    parts[parts.length - 1].changes.push(change);
    bytes += size;
  }
  return parts;
}

/** Whether a dirty record goes in this push, or why it stays behind. */
function pushability(record: LocalRecord): 'send' | 'held' | 'skip' {
  // Held: waiting on a person (open conflict) or refused as it is now (retried once it changes).
  if (record.inConflict || record.rejectedSeq === record.localSeq) return 'held';
  return missingSyncField(record.device) === null ? 'send' : 'skip';
}

async function applyPushAnswer(tx: EntityManager, sent: LocalRecord[], answer: PushResponse, now: string, summary: AttemptSummary) {
  const bySent = new Map(sent.map((r) => [r.device.uuid, r]));
  const applied = answer.results.filter((r) => r.status === 'applied' && bySent.has(r.uuid));
  const current = await localSeqs(tx, applied.map((r) => r.uuid));
  const states: SyncStateRow[] = [];
  for (const result of applied) {
    const record = bySent.get(result.uuid)!;
    // An edit made while the batch was in flight keeps the device dirty, now against what the cloud holds.
    const editedSince = current.get(result.uuid)! > record.localSeq;
    states.push({ uuid: result.uuid, baseVersion: result.version!, base: editedSince ? pickFields(serialize(record.device, null).fields) : null });
  }
  await markPushed(tx, applied.map((r) => ({ uuid: r.uuid, seq: bySent.get(r.uuid)!.localSeq })));
  await upsertSyncStates(tx, states);
  summary.applied += applied.length;

  for (const result of answer.results.filter((r) => r.status === 'rejected' && bySent.has(r.uuid))) {
    await markRejected(tx, result.uuid, bySent.get(result.uuid)!.localSeq, result.reason ?? 'rejected by the cloud');
    summary.rejected++;
  }
  const currents = answer.results.flatMap((r) => (r.status === 'conflict' && r.current && bySent.has(r.uuid) ? [r.current] : []));
  const decisions = await applyUpdate(tx, currents, now);
  summary.conflicts += decisions.filter((d) => d.outcome === 'conflict').length;
}

/**
 * Sends every new or changed device to the cloud, in batches read through
 * the dirty index, and records the answer per device (DESIGN §4, push),
 * unless the data dir was enrolled again while the batch was out
 * (enrolment-guard.ts). One log row per call, whatever happens.
 */
export async function pushOnce(context: SyncContext): Promise<AttemptSummary> {
  const { db, client, clock } = context;
  return recordAttempt(context, 'push', async (summary) => {
    const total = await db.read(countDirty);
    let afterSeq = 0;
    while (!context.signal?.aborted) {
      const batch = await db.read((r) => dirtyRecords(r, afterSeq, PUSH_BATCH_SIZE));
      if (batch.length === 0) break;
      afterSeq = batch[batch.length - 1].localSeq;
      const toSend = batch.filter((r) => pushability(r) === 'send');
      summary.skipped += batch.filter((r) => pushability(r) === 'skip').length;
      for (const part of partsUnder(MAX_BATCH_BYTES, toSend)) {
        const answer = await client.push(part.changes);
        summary.sent += part.records.length;
        await db.write(async (tx) => {
          await assertSameEnrolment(tx, context);
          await applyPushAnswer(tx, part.records, answer, isoNow(clock), summary);
        });
      }
      context.onProgress?.({ phase: 'push', done: summary.sent + summary.skipped, total });
    }
    if (summary.rejected || summary.conflicts || summary.skipped) summary.status = 'partial';
  });
}
