import type { CloudDatabase } from '../db/cloud/cloud-database';
import { SiteEntity } from '../db/cloud/entities/site.entity';
import { lockSite } from './site-versions';
import { forgetMarksBefore, markSiteVersion, newestMarkAtOrBefore } from './site-version-marks';

/** DESIGN §4: long enough for a PC shelved over a season to come back with a plain pull. */
export const DEFAULT_TOMBSTONE_RETENTION_MS = 180 * 86_400_000;

export interface RetentionRun {
  /** The cloud's time, ISO 8601: retention is counted by the cloud's clock, never by a PC's. */
  now: string;
  /** How long a tombstone is kept after the cloud received it. */
  retentionMs: number;
}

export interface PurgeReport {
  /** `now` less the retention: the tombstones purged had all reached the cloud before it. */
  cutoff: string;
  sites: { siteId: string; purged: number; purgedVersion: number }[];
  purged: number;
}

/**
 * Site by site under the site's lock: records the site's latest version at
 * `now`, then deletes the tombstones at or below the newest such mark taken
 * at or before the cutoff, as those reached the cloud before it (decision
 * 43); a tombstone's `deletedAt` is a PC's clock and decides nothing. With no
 * mark that old nothing is purged. Moves the site's purge horizon up to the
 * newest version removed: an instance whose cursor is below it may have
 * missed one of those deletions, so its pull is answered 410 and it does a
 * replacement sync. Safe to run from several processes at once.
 */
export async function purgeTombstones(db: CloudDatabase, { now, retentionMs }: RetentionRun): Promise<PurgeReport> {
  const cutoff = new Date(Date.parse(now) - retentionMs).toISOString();
  const siteIds = (await db.read((r) => r.getRepository(SiteEntity).find({ select: { siteId: true }, order: { siteId: 'ASC' } }))).map((s) => s.siteId);
  const p = (n: number) => db.param(n);
  const report: PurgeReport = { cutoff, sites: [], purged: 0 };
  for (const siteId of siteIds) {
    const purged = await db.transaction(async (tx) => {
      await lockSite(db, tx, siteId);
      await markSiteVersion(db, tx, siteId, now);
      const mark = await newestMarkAtOrBefore(db, tx, siteId, cutoff);
      if (!mark) return null;
      await forgetMarksBefore(db, tx, siteId, mark.markedAt);
      const old = `FROM devices WHERE site_id = ${p(1)} AND version <= ${p(2)} AND deleted_at IS NOT NULL`;
      const [{ count, newest }] = (await tx.query(`SELECT count(*) AS count, max(version) AS newest ${old}`, [siteId, mark.version])) as { count: string | number; newest: string | number | null }[];
      if (Number(count) === 0) return null;
      await tx.query(`DELETE ${old}`, [siteId, mark.version]);
      await tx.query(`UPDATE sites SET purged_version = ${p(1)} WHERE site_id = ${p(2)} AND purged_version < ${p(3)}`, [Number(newest), siteId, Number(newest)]);
      return { siteId, purged: Number(count), purgedVersion: Number(newest) };
    });
    if (purged) {
      report.sites.push(purged);
      report.purged += purged.purged;
    }
  }
  return report;
}
