import { isoNow } from '../domain/clock';
import { readMeta, writeMeta } from '../db/local/meta-store';
import { mayWritePullFrom } from './enrolment-guard';
import { applyUpdate } from './merge';
import { recordAttempt } from './sync-log';
import type { AttemptSummary, SyncContext } from './sync-context';

/** Large enough that round trips do not dominate an initial sync, small enough to keep a page's memory bounded. */
export const PULL_PAGE_SIZE = 2000;

/**
 * Brings the cloud's changes since the cursor, page by page (DESIGN §4,
 * pull). Each page and its new cursor commit in one transaction: a crash
 * repeats a page, never skips one; nor does an enrolment or another pull
 * that moved the cursor meanwhile (mayWritePullFrom). At most two pages are in
 * memory: the one being written and the next. One log row per call.
 */
export async function pullOnce(context: SyncContext, pageSize = PULL_PAGE_SIZE): Promise<AttemptSummary> {
  const { db, client, clock } = context;
  return recordAttempt(context, 'pull', async (summary) => {
    const startCursor = (await db.read(readMeta)).pullCursor;
    // Awaited (and reported) on the next turn; unobserved when a stop or a failed write ends the loop first.
    const fetchPage = (cursor: number) => {
      const page = client.pull(cursor, pageSize);
      page.catch(() => {});
      return page;
    };
    let since = startCursor;
    let next = fetchPage(since);
    while (!context.signal?.aborted) {
      const page = await next;
      // Fetch the next page while this one is written: the cloud and the local disk work at once.
      if (page.hasMore) {
        next = fetchPage(page.cursor);
      }
      const written = await db.write(async (tx) => {
        if (!(await mayWritePullFrom(tx, context, since))) return false;
        const decisions = await applyUpdate(tx, page.changes, isoNow(clock));
        await writeMeta(tx, { pullCursor: page.cursor });
        summary.applied += decisions.filter((d) => d.outcome === 'applied').length;
        summary.conflicts += decisions.filter((d) => d.outcome === 'conflict').length;
        return true;
      });
      if (!written) break;
      since = page.cursor;
      summary.received += page.changes.length;
      context.onProgress?.({ phase: 'pull', done: page.cursor - startCursor, total: page.latestVersion - startCursor });
      if (!page.hasMore) break;
    }
    if (summary.conflicts) summary.status = 'partial';
  });
}
