import type { PullResponse } from '../contract/sync-http';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { selectCloudDevices } from './select-cloud-devices';
import { HttpError } from './http-errors';

/** PostgreSQL returns bigint as text. */
type Bigint = string | number;

/**
 * One page of the site's changes after `since`, in version order, through
 * the (site, version) index; 410 when `since` is below the purge horizon.
 * Plain SQL: entity hydration and the query builder cost more than the
 * queries on every pull. The rows are turned into JSON here, not by
 * PostgreSQL: its JSON functions cost the shared database more CPU than the
 * parsing costs a server process, and server processes can be added.
 */
export async function readPullPage(db: CloudDatabase, siteId: string, since: number, limit: number): Promise<PullResponse> {
  return db.read(async (r) => {
    const rows = await selectCloudDevices(
      r,
      `site_id = ${db.param(1)} AND version > ${db.param(2)} ORDER BY version LIMIT ${db.param(3)}`,
      [siteId, since, limit + 1],
    );
    // Read after the rows: a purge that removed a tombstone from this page has moved the horizon by now.
    const [site] = (await r.query(`SELECT last_version, purged_version FROM sites WHERE site_id = ${db.param(1)}`, [siteId])) as { last_version: Bigint; purged_version: Bigint }[];
    const purgedVersion = Number(site?.purged_version ?? 0);
    if (since > 0 && since < purgedVersion) {
      throw new HttpError(410, 'cursor_expired', `cursor ${since} is older than the tombstone horizon ${purgedVersion}: deletions since were purged; do a replacement sync`);
    }
    const changes = rows.slice(0, limit);
    return {
      changes,
      cursor: changes.length ? changes[changes.length - 1].version : since,
      hasMore: rows.length > limit,
      latestVersion: Number(site?.last_version ?? 0),
    };
  });
}
