import type { RemoteDevice } from '../contract/device';
import type { PullResponse } from '../contract/sync-http';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { DEVICE_SELECT } from '../db/columns';
import { HttpError } from './http-errors';
import { selectCloudDevices } from './select-cloud-devices';

/** PostgreSQL returns bigint as text. */
type Bigint = string | number;

/** Up to `fetch` changes after `since`, and the site's counters, all as of one moment. */
interface SiteRead {
  rows: RemoteDevice[];
  lastVersion: number;
  purgedVersion: number;
}

/** One statement, so one snapshot, and one round trip. */
async function readOnPostgres(db: CloudDatabase, siteId: string, since: number, fetch: number): Promise<SiteRead> {
  const rows = (await db.read((r) =>
    r.query(
      `SELECT s.last_version AS "siteLastVersion", s.purged_version AS "sitePurgedVersion", d.*
       FROM sites s LEFT JOIN LATERAL (SELECT ${DEVICE_SELECT}, version FROM devices WHERE site_id = s.site_id AND version > $2 ORDER BY version LIMIT $3) d ON true
       WHERE s.site_id = $1 ORDER BY d.version`,
      [siteId, since, fetch],
    ),
  )) as (RemoteDevice & { siteLastVersion: Bigint; sitePurgedVersion: Bigint })[];
  const devices = rows
    .filter((row) => row.uuid !== null)
    .map(({ siteLastVersion: _last, sitePurgedVersion: _purged, ...device }) => ({ ...device, version: Number(device.version) }));
  return { rows: devices, lastVersion: Number(rows[0]?.siteLastVersion ?? 0), purgedVersion: Number(rows[0]?.sitePurgedVersion ?? 0) };
}

/**
 * In a deferred read transaction: one snapshot for both reads, so a `cloud`
 * command writing the file from another process cannot come between them,
 * and no write lock (BEGIN IMMEDIATE) that such a command would wait on.
 */
async function readOnSqlite(db: CloudDatabase, siteId: string, since: number, fetch: number): Promise<SiteRead> {
  return db.read(async (r) => {
    await r.query('BEGIN');
    try {
      const rows = await selectCloudDevices(r, 'site_id = ? AND version > ? ORDER BY version LIMIT ?', [siteId, since, fetch]);
      const [site] = (await r.query('SELECT last_version, purged_version FROM sites WHERE site_id = ?', [siteId])) as { last_version: Bigint; purged_version: Bigint }[];
      return { rows, lastVersion: Number(site?.last_version ?? 0), purgedVersion: Number(site?.purged_version ?? 0) };
    } finally {
      await r.query('COMMIT');
    }
  });
}

/**
 * One page of the site's changes after `since`, in version order, through
 * the (site, version) index; 410 when `since` is below the purge horizon.
 * Plain SQL: entity hydration and the query builder cost more than the
 * queries on every pull. The rows are turned into JSON by the server, not by
 * PostgreSQL: its JSON functions cost the shared database more CPU than the
 * parsing costs a server process, and server processes can be added.
 *
 * The last page's cursor is the site's version as of the same snapshot, not
 * the version of its last change: the versions between were superseded or
 * purged. A replacement sync relies on it: a synced device at or below its
 * cursor that the cloud no longer has was deleted there, even when that
 * deletion was the site's latest change.
 */
export async function readPullPage(db: CloudDatabase, siteId: string, since: number, limit: number): Promise<PullResponse> {
  const site = await (db.dialect === 'postgres' ? readOnPostgres : readOnSqlite)(db, siteId, since, limit + 1);
  if (since > 0 && since < site.purgedVersion) {
    throw new HttpError(410, 'cursor_expired', `cursor ${since} is older than the tombstone horizon ${site.purgedVersion}: deletions since were purged; do a replacement sync`);
  }
  const changes = site.rows.slice(0, limit);
  const hasMore = site.rows.length > limit;
  return {
    changes,
    cursor: hasMore ? changes[changes.length - 1].version : Math.max(since, site.lastVersion),
    hasMore,
    latestVersion: site.lastVersion,
  };
}
