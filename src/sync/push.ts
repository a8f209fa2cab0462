import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { MAX_PUSH_BATCH, type PushResponse } from '../contract/sync-http';
import { isoNow } from '../domain/clock';
import { pickFields } from '../domain/device';
import { missingSyncField, serialize } from '../domain/serialize';
import {
  countDirty,
  dirtyRecords,
  getRecord,
  inConflict,
  isDirty,
  markPushed,
  markRejected,
  syncPositions,
  upsertSyncStates,
  type LocalRecord,
  type SyncStateRow,
} from '../db/local/device-store';
import {
  countServerFault,
  forgetServerFaults,
  oldestOutboxBatch,
  outboxChangeCount,
  putOutboxBatch,
  splitOutboxBatch,
  takeOutboxBatch,
  type OutboxBatch,
  type SentChange,
} from '../db/local/push-outbox';
import { assertSameEnrolment } from './enrolment-guard';
import { applyUpdate } from './merge';
import { recordAttempt } from './sync-log';
import type { AttemptSummary, SyncContext } from './sync-context';
import { SyncFailure } from './sync-failure';

/** The most the cloud takes in one batch (MAX_PUSH_BATCH): fewer round trips for an incremental sync. */
export const PUSH_BATCH_SIZE = MAX_PUSH_BATCH;

/** Well below the cloud's body limit (8 MiB), whatever the devices hold. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** Splits a batch so that no request body outgrows `maxBytes`: 1000 devices with long notes are sent in parts, never refused whole. */
function partsUnder(maxBytes: number, records: LocalRecord[]): SentChange[][] {
  const parts: SentChange[][] = [];
  let bytes = Infinity;
  for (const record of records) {
    const change = serialize(record.device, record.baseVersion);
    const size = Buffer.byteLength(JSON.stringify(change));
    if (bytes + size > maxBytes) {
      parts.push([]);
      bytes = 0;
    }
    parts[parts.length - 1].push({ uuid: record.device.uuid, localSeq: record.localSeq, change });
    bytes += size;
  }
  return parts;
}

/** Whether a dirty record goes in this push, or why it stays behind. */
function pushability(record: LocalRecord): 'send' | 'held' | 'skip' {
  // Held: waiting on a person (open conflict) or refused as it is now (retried once it changes).
  if (inConflict(record) || record.rejectedSeq === record.localSeq) return 'held';
  return missingSyncField(record.device) === null ? 'send' : 'skip';
}

async function applyPushAnswer(tx: EntityManager, sent: SentChange[], answer: PushResponse, now: string, summary: AttemptSummary) {
  const bySent = new Map(sent.map((s) => [s.uuid, s]));
  const applied = answer.results.filter((r) => r.status === 'applied' && bySent.has(r.uuid));
  const positions = await syncPositions(tx, applied.map((r) => r.uuid));
  // An answer re-sent from the outbox can be older than what this PC took from the cloud since (a pull, a
  // resolution): its version must not replace a newer base. Those devices go again as they are now.
  const settled = applied.flatMap((result) => {
    const position = positions.get(result.uuid);
    return position && (position.baseVersion === null || position.baseVersion < result.version!) ? [{ result, localSeq: position.localSeq }] : [];
  });
  const states: SyncStateRow[] = [];
  for (const { result, localSeq } of settled) {
    const sentChange = bySent.get(result.uuid)!;
    // An edit made since the batch went out keeps the device dirty, now against what the cloud holds.
    const editedSince = localSeq > sentChange.localSeq;
    states.push({ uuid: result.uuid, baseVersion: result.version!, base: editedSince ? pickFields(sentChange.change.fields) : null });
  }
  await markPushed(tx, settled.map(({ result }) => ({ uuid: result.uuid, seq: bySent.get(result.uuid)!.localSeq })));
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

/** The answers that say the cloud applied none of a batch (400: not of the schema, 413: too large): it may leave the outbox. */
const BATCH_NOT_APPLIED = new Set([400, 413]);

/**
 * A 500 is a fault of the cloud itself, whose transaction then applied none
 * of the batch (an outage answers 503). After this many, the batch is taken
 * apart, and a lone change the cloud still fails on is set aside (decision 54).
 */
const SERVER_FAULTS_BEFORE_ISOLATING = 2;

/**
 * Past this many changes newly set aside in one attempt, the cloud fails on everything: the attempt stops
 * (changes set aside before are sent once each and do not count, or ten of them would stop every sync).
 */
const MAX_SET_ASIDE_PER_ATTEMPT = 10;

/** What became of an outbox batch: its answer applied, or it stays (or stays taken apart) for a later attempt. */
type OutboxOutcome = 'answered' | 'split' | 'newly set aside' | 'still set aside' | 'superseded';

/**
 * A lone change the cloud failed on every time, whose device no longer waits
 * at that change: edited since (perhaps rid of what trips the cloud), or
 * settled by a pull or a person's resolution. It never applied, so it leaves
 * the outbox; the device goes as it is now, if it still has a change.
 */
async function supersededFault(context: SyncContext, batch: OutboxBatch): Promise<boolean> {
  if (batch.serverFaults < SERVER_FAULTS_BEFORE_ISOLATING || batch.sent.length !== 1) return false;
  const [{ uuid, localSeq }] = batch.sent;
  return context.db.write(async (tx) => {
    const record = await getRecord(tx, uuid);
    const waitsAtThatChange = record !== null && record.localSeq === localSeq && isDirty(record);
    return !waitsAtThatChange && takeOutboxBatch(tx, batch.batchId);
  });
}

/**
 * Keeps the device out of new batches until it changes, and says why on Diagnostics; its change stays in the
 * outbox. True when it was not set aside before this attempt.
 */
async function setAside(context: SyncContext, [sent]: SentChange[], failure: SyncFailure, summary: AttemptSummary): Promise<boolean> {
  const reason = `the cloud failed on this change every time (${failure.message}); it is sent again at each sync until it goes through or the device changes`;
  summary.rejected++;
  return context.db.write(async (tx) => {
    const before = await getRecord(tx, sent.uuid);
    await markRejected(tx, sent.uuid, sent.localSeq, reason);
    return before?.rejectedSeq !== sent.localSeq;
  });
}

/**
 * Sends one batch already in the outbox and applies the cloud's answer in the
 * transaction that takes the batch out. A batch refused whole (400, 413) was
 * applied nowhere: it leaves the outbox, and its devices, still dirty, go
 * again as they are now. A batch the cloud fails on every time (500) is taken
 * apart, or set aside when it is down to one change. Any other failure keeps
 * it for the next push, as it was sent.
 */
async function sendFromOutbox(context: SyncContext, batch: OutboxBatch, summary: AttemptSummary): Promise<OutboxOutcome> {
  const { db, client, clock } = context;
  if (await supersededFault(context, batch)) return 'superseded';
  let answer: PushResponse;
  try {
    answer = await client.push(batch.sent.map((s) => s.change), batch.batchId);
  } catch (error) {
    if (!(error instanceof SyncFailure)) throw error;
    if (BATCH_NOT_APPLIED.has(error.status ?? 0)) await db.write((tx) => takeOutboxBatch(tx, batch.batchId));
    if (error.status !== 500) {
      // A lost answer may hide a batch the cloud did apply: from now on it goes again whole and as sent.
      if (batch.serverFaults > 0) await db.write((tx) => forgetServerFaults(tx, batch.batchId));
      throw error;
    }
    const faults = await db.write((tx) => countServerFault(tx, batch.batchId));
    if (faults < SERVER_FAULTS_BEFORE_ISOLATING) throw error;
    if (batch.sent.length > 1) {
      await db.write((tx) => splitOutboxBatch(tx, { ...batch, serverFaults: faults }));
      return 'split';
    }
    return (await setAside(context, batch.sent, error, summary)) ? 'newly set aside' : 'still set aside';
  }
  summary.sent += batch.sent.length;
  await db.write(async (tx) => {
    await assertSameEnrolment(tx, context);
    if (await takeOutboxBatch(tx, batch.batchId)) await applyPushAnswer(tx, batch.sent, answer, isoNow(clock), summary);
  });
  return 'answered';
}

/** Sends the outbox, each batch once, oldest first: batches taken apart are sent in the same attempt. */
async function sendOutbox(context: SyncContext, summary: AttemptSummary): Promise<void> {
  const tried = new Set<string>();
  const next = () => context.db.read((r) => oldestOutboxBatch(r, tried));
  let setAsideCount = 0;
  for (let batch = await next(); batch && !context.signal?.aborted; batch = await next()) {
    tried.add(batch.batchId);
    if ((await sendFromOutbox(context, batch, summary)) === 'newly set aside' && ++setAsideCount >= MAX_SET_ASIDE_PER_ATTEMPT) {
      throw new SyncFailure('server', `the cloud failed on ${setAsideCount} changes of this sync every time (cloud answered 500); the rest waits for the next sync`, 500);
    }
  }
}

/**
 * Sends every new or changed device to the cloud, in batches read through
 * the dirty index, and records the answer per device (DESIGN §4, push),
 * unless the data dir was enrolled again while the batch was out
 * (enrolment-guard.ts). Batches whose answer was lost go first, under
 * their own ids (push-outbox.ts); `lostOnly` sends those and nothing new.
 * One log row per call, whatever happens.
 */
export async function pushOnce(context: SyncContext, options: { lostOnly?: boolean } = {}): Promise<AttemptSummary> {
  const { db } = context;
  return recordAttempt(context, 'push', async (summary) => {
    // A change waiting in the outbox counts apart from the device's newer edit, which goes after it; once the
    // outbox is sent, what is still dirty is known (a device not edited since is done).
    const lostChanges = await db.read(outboxChangeCount);
    let total = (options.lostOnly ? 0 : await db.read(countDirty)) + lostChanges;
    // Devices held (an open conflict, a change refused or set aside) count as done: nothing more happens to them here.
    let held = 0;
    const reportProgress = () => context.onProgress?.({ phase: 'push', done: Math.min(total, summary.sent + summary.skipped + held), total });
    if (lostChanges > 0) {
      await sendOutbox(context, summary);
      total = summary.sent + (options.lostOnly ? 0 : await db.read(countDirty));
      reportProgress();
    }
    let afterSeq = 0;
    while (!options.lostOnly && !context.signal?.aborted) {
      const batch = await db.read((r) => dirtyRecords(r, afterSeq, PUSH_BATCH_SIZE));
      if (batch.length === 0) break;
      afterSeq = batch[batch.length - 1].localSeq;
      const toSend = batch.filter((r) => pushability(r) === 'send');
      summary.skipped += batch.filter((r) => pushability(r) === 'skip').length;
      held += batch.filter((r) => pushability(r) === 'held').length;
      for (const sent of partsUnder(MAX_BATCH_BYTES, toSend)) {
        const outgoing: OutboxBatch = { batchId: randomUUID(), sent, serverFaults: 0 };
        await db.write(async (tx) => {
          await assertSameEnrolment(tx, context);
          await putOutboxBatch(tx, outgoing);
        });
        await sendFromOutbox(context, outgoing, summary);
      }
      reportProgress();
    }
    if (summary.rejected || summary.conflicts || summary.skipped) summary.status = 'partial';
  });
}
