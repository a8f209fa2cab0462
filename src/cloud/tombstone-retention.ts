import type { CloudDatabase } from '../db/cloud/cloud-database';
import { SiteEntity } from '../db/cloud/entities/site.entity';
import { lockSite } from './site-versions';

/** DESIGN §4: long enough for a PC shelved over a season to come back with a plain pull. */
export const DEFAULT_TOMBSTONE_RETENTION_MS = 180 * 86_400_000;

export interface PurgeReport {
  cutoff: string;
  sites: { siteId: string; purged: number; purgedVersion: number }[];
  purged: number;
}

/**
 * Deletes the tombstones of devices deleted before `cutoff`, site by site
 * under the site's lock, and moves the site's purge horizon up to the newest
 * version removed. An instance whose cursor is below the horizon may have
 * missed one of those deletions: its pull is answered 410 and it does a
 * replacement sync. Safe to run from several processes at once.
 */
export async function purgeTombstones(db: CloudDatabase, cutoff: string): Promise<PurgeReport> {
  const siteIds = (await db.read((r) => r.getRepository(SiteEntity).find({ select: { siteId: true }, order: { siteId: 'ASC' } }))).map((s) => s.siteId);
  const p = (n: number) => db.param(n);
  const report: PurgeReport = { cutoff, sites: [], purged: 0 };
  for (const siteId of siteIds) {
    const purged = await db.transaction(async (tx) => {
      await lockSite(db, tx, siteId);
      const old = `FROM devices WHERE site_id = ${p(1)} AND deleted_at IS NOT NULL AND deleted_at < ${p(2)}`;
      const [{ count, newest }] = (await tx.query(`SELECT count(*) AS count, max(version) AS newest ${old}`, [siteId, cutoff])) as { count: string | number; newest: string | number | null }[];
      if (Number(count) === 0) return null;
      await tx.query(`DELETE ${old}`, [siteId, cutoff]);
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
