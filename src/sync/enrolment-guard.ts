import type { EntityManager } from 'typeorm';
import { readMeta, type InstanceMeta } from '../db/local/meta-store';
import type { SyncContext } from './sync-context';
import { SyncFailure } from './sync-failure';

/**
 * The first step of every write of a sync (a push answer, a pull page): the
 * answer is about the cloud and instance the sync began with. Enrolled again
 * meanwhile (`sitesync init` beside the app), the data dir belongs to another
 * enrolment, where that answer means nothing, so the attempt stops and its
 * log row says why (decision 42). The kind is `server`: the contract has none
 * of its own for this, and a retry, now with the new enrolment, is what follows.
 */
export async function assertSameEnrolment(tx: EntityManager, context: SyncContext): Promise<InstanceMeta> {
  const meta = await readMeta(tx);
  if (meta.enrolmentId !== context.enrolmentId) {
    throw new SyncFailure('server', 'this data dir was enrolled again while the sync ran: the answer for the old enrolment was not applied; the next run syncs with the new one');
  }
  return meta;
}

/**
 * As above, and whether a page read from `cursor` may be written: only
 * while the stored cursor is still there. Moved on, another pull of this
 * data dir (the CLI beside the app) is ahead and writes these changes
 * itself: false, and this pull ends. Moved back, writing the page's cursor
 * would skip the versions in between: the attempt stops.
 */
export async function mayWritePullFrom(tx: EntityManager, context: SyncContext, cursor: number): Promise<boolean> {
  const { pullCursor } = await assertSameEnrolment(tx, context);
  if (pullCursor < cursor) {
    throw new SyncFailure('server', `the pull cursor moved back from ${cursor} to ${pullCursor} while this pull ran: the page was not applied; the next run pulls from ${pullCursor}`);
  }
  return pullCursor === cursor;
}
