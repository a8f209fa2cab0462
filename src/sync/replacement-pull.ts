import { isoNow } from '../domain/clock';
import { getRecords, inConflict, isDirty, listDevices, upsertDevices } from '../db/local/device-store';
import { readMeta, writeMeta } from '../db/local/meta-store';
import { assertSameEnrolment, mayWritePullFrom } from './enrolment-guard';
import { applyUpdate } from './merge';
import { PULL_PAGE_SIZE } from './pull';
import { softDelete } from './soft-delete';
import type { AttemptSummary, SyncContext } from './sync-context';
import { recordAttempt } from './sync-log';

/**
 * The pull of an instance whose cursor fell behind the cloud's tombstone
 * horizon (410, DESIGN §4). The whole site is read again from version 0
 * and merged like any pull, so unpushed local changes are kept (merged, or
 * held in a conflict). A synced, clean device the cloud no longer has was
 * deleted there and its tombstone purged: it is soft-deleted here. A dirty
 * one stays, and its next push brings it back. The cursor moves only at
 * the end, together with those deletions: a crash starts the replacement over.
 * An enrolment meanwhile stops it at the next write (enrolment-guard.ts).
 */
export async function replacementPull(context: SyncContext, pageSize = PULL_PAGE_SIZE): Promise<AttemptSummary> {
  const { db, client, clock } = context;
  return recordAttempt(context, 'pull', async (summary) => {
    const inCloud = new Set<string>();
    const expiredCursor = (await db.read(readMeta)).pullCursor;
    let cursor = 0;
    for (let more = true; more; ) {
      if (context.signal?.aborted) return;
      const page = await client.pull(cursor, pageSize);
      const decisions = await db.write(async (tx) => {
        await assertSameEnrolment(tx, context);
        return applyUpdate(tx, page.changes, isoNow(clock));
      });
      for (const change of page.changes) inCloud.add(change.uuid);
      summary.received += page.changes.length;
      summary.applied += decisions.filter((d) => d.outcome === 'applied').length;
      summary.conflicts += decisions.filter((d) => d.outcome === 'conflict').length;
      context.onProgress?.({ phase: 'pull', done: page.cursor, total: page.latestVersion });
      cursor = page.cursor;
      more = page.hasMore;
    }
    await db.write(async (tx) => {
      // Another pull of this data dir already moved past the expired cursor: the closing step is its to take.
      if (!(await mayWritePullFrom(tx, context, expiredCursor))) return;
      const gone = await getRecords(tx, (await listDevices(tx, false)).filter((d) => !inCloud.has(d.uuid)).map((d) => d.uuid));
      // A device pushed (from another process on this data dir) after the last page was read is newer than the cursor, not gone.
      const purged = [...gone.values()].filter((r) => r.baseVersion !== null && r.baseVersion <= cursor && !isDirty(r) && !inConflict(r));
      const now = isoNow(clock);
      await upsertDevices(tx, purged.map((r) => ({ device: softDelete(r.device, now), localSeq: r.localSeq, pushedSeq: r.pushedSeq })));
      await writeMeta(tx, { pullCursor: cursor });
      summary.applied += purged.length;
    });
    if (summary.conflicts) summary.status = 'partial';
  });
}
