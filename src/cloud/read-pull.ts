import type { PullResponse } from '../contract/sync-http';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { SiteEntity } from '../db/cloud/entities/site.entity';
import { selectCloudDevices } from './select-cloud-devices';
import { HttpError } from './http-errors';

/**
 * One page of the site's changes after `since`, in version order, through
 * the (site, version) index; 410 when `since` is below the purge horizon. Plain SQL: entity hydration would cost more
 * than the query on an initial sync.
 */
export async function readPullPage(db: CloudDatabase, siteId: string, since: number, limit: number): Promise<PullResponse> {
  return db.read(async (r) => {
    const rows = await selectCloudDevices(
      r,
      `site_id = ${db.param(1)} AND version > ${db.param(2)} ORDER BY version LIMIT ${db.param(3)}`,
      [siteId, since, limit + 1],
    );
    // Read after the rows: a purge that removed a tombstone from this page has moved the horizon by now.
    const site = await r.getRepository(SiteEntity).findOneBy({ siteId });
    if (since > 0 && since < (site?.purgedVersion ?? 0)) {
      throw new HttpError(410, 'cursor_expired', `cursor ${since} is older than the tombstone horizon ${site!.purgedVersion}: deletions since were purged; do a replacement sync`);
    }
    const changes = rows.slice(0, limit);
    return {
      changes,
      cursor: changes.length ? changes[changes.length - 1].version : since,
      hasMore: rows.length > limit,
      latestVersion: site?.lastVersion ?? 0,
    };
  });
}
