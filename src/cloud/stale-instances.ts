import type { ConnectedSiteView } from '../contract/sync-http';

/** Long enough that a site PC switched off over a long weekend is not flagged; short enough to notice within the week. */
export const DEFAULT_STALE_AFTER_MS = 72 * 3_600_000;

export type ConnectedSiteWithStaleness = ConnectedSiteView & { stale: boolean };

/**
 * Flags the instances the cloud has not heard from for longer than
 * `staleAfterMs` (counted from enrolment for one never seen). A revoked
 * instance is never stale: nobody expects to hear from it.
 */
export function flagStale(rows: ConnectedSiteView[], now: Date, staleAfterMs: number): ConnectedSiteWithStaleness[] {
  const horizon = now.getTime() - staleAfterMs;
  return rows.map((row) => ({ ...row, stale: row.revokedAt === null && Date.parse(row.lastSeenAt ?? row.createdAt) < horizon }));
}
