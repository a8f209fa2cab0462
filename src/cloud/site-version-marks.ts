import type { EntityManager } from 'typeorm';
import type { CloudDatabase } from '../db/cloud/cloud-database';

/** Every version of the site up to `version` had reached the cloud by `markedAt`, by the cloud's clock. */
export interface SiteVersionMark {
  markedAt: string;
  version: number;
}

/**
 * Records the site's latest version at the cloud's time `now` (migration
 * 0006). The caller holds the site's lock, so no higher version is being
 * written meanwhile. Of two runs marking at the same instant the first
 * stays: its version is the lower, so the mark claims no more than it saw.
 */
export async function markSiteVersion(db: CloudDatabase, tx: EntityManager, siteId: string, now: string): Promise<void> {
  const p = (n: number) => db.param(n);
  // The WHERE is also what lets SQLite parse ON CONFLICT after an INSERT ... SELECT.
  await tx.query(`INSERT INTO site_version_marks (site_id, marked_at, version) SELECT site_id, ${p(1)}, last_version FROM sites WHERE site_id = ${p(2)} ON CONFLICT DO NOTHING`, [now, siteId]);
}

/** The site's newest mark taken at or before `cutoff`, or null when it has none that old. */
export async function newestMarkAtOrBefore(db: CloudDatabase, tx: EntityManager, siteId: string, cutoff: string): Promise<SiteVersionMark | null> {
  const p = (n: number) => db.param(n);
  const [mark] = (await tx.query(
    `SELECT marked_at AS "markedAt", version FROM site_version_marks WHERE site_id = ${p(1)} AND marked_at <= ${p(2)} ORDER BY marked_at DESC LIMIT 1`,
    [siteId, cutoff],
  )) as { markedAt: string; version: string | number }[];
  return mark ? { markedAt: mark.markedAt, version: Number(mark.version) } : null;
}

/**
 * Forgets the site's marks taken before `markedAt`. A purge that used the
 * mark at `markedAt` never needs an older one again: later purges have a
 * later cutoff. (One with a longer retention than before finds no mark old
 * enough for a while and purges less, never more.)
 */
export async function forgetMarksBefore(db: CloudDatabase, tx: EntityManager, siteId: string, markedAt: string): Promise<void> {
  await tx.query(`DELETE FROM site_version_marks WHERE site_id = ${db.param(1)} AND marked_at < ${db.param(2)}`, [siteId, markedAt]);
}
