import type { CloudDatabase } from '../db/cloud/cloud-database';
import { HttpError } from './http-errors';

/** PostgreSQL returns bigint as text. */
type Bigint = string | number;

/** A change as stored: its device, version and device JSON (devices.device_json). */
export interface StoredChange {
  uuid: string;
  version: Bigint;
  /** Null only in a row an older build wrote after the upgrade (SQLite cannot make the column NOT NULL). */
  device_json: string | null;
}

/** Up to `fetch` changes after `since`, and the site's counters, all as of one moment. */
export interface SiteRead {
  rows: StoredChange[];
  lastVersion: number;
  purgedVersion: number;
}

/** One statement, so one snapshot, and one round trip. */
async function readOnPostgres(db: CloudDatabase, siteId: string, since: number, fetch: number): Promise<SiteRead> {
  const rows = (await db.read((r) =>
    r.query(
      `SELECT s.last_version AS "siteLastVersion", s.purged_version AS "sitePurgedVersion", d.uuid, d.version, d.device_json
       FROM sites s LEFT JOIN LATERAL (SELECT uuid, version, device_json FROM devices WHERE site_id = s.site_id AND version > $2 ORDER BY version LIMIT $3) d ON true
       WHERE s.site_id = $1 ORDER BY d.version`,
      [siteId, since, fetch],
    ),
  )) as (StoredChange & { siteLastVersion: Bigint; sitePurgedVersion: Bigint })[];
  return {
    rows: rows.filter((row) => row.version !== null),
    lastVersion: Number(rows[0]?.siteLastVersion ?? 0),
    purgedVersion: Number(rows[0]?.sitePurgedVersion ?? 0),
  };
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
      const rows = (await r.query('SELECT uuid, version, device_json FROM devices WHERE site_id = ? AND version > ? ORDER BY version LIMIT ?', [siteId, since, fetch])) as StoredChange[];
      const [site] = (await r.query('SELECT last_version, purged_version FROM sites WHERE site_id = ?', [siteId])) as { last_version: Bigint; purged_version: Bigint }[];
      return { rows, lastVersion: Number(site?.last_version ?? 0), purgedVersion: Number(site?.purged_version ?? 0) };
    } finally {
      await r.query('COMMIT');
    }
  });
}

/** A pull page whose changes are device JSON texts, ready to be sent. */
export interface PullPage {
  changeJson: string[];
  cursor: number;
  hasMore: boolean;
  latestVersion: number;
}

/**
 * One page of the site's changes after `since`, in version order, through
 * the (site, version) index; 410 when `since` is below the purge horizon.
 * Plain SQL, and the device JSON stored with each row: a change is pulled
 * by every instance of its site, and building its JSON from columns each
 * time cost the database and the server more than reading stored text.
 *
 * The last page's cursor is the site's version as of the same snapshot, not
 * the version of its last change: the versions between were superseded or
 * purged. A replacement sync relies on it: a synced device at or below its
 * cursor that the cloud no longer has was deleted there, even when that
 * deletion was the site's latest change.
 */
export async function readPullPage(db: CloudDatabase, siteId: string, since: number, limit: number): Promise<PullPage> {
  const site = await readSiteChanges(db, siteId, since, limit + 1);
  refuseExpiredCursor(since, site.purgedVersion);
  const rows = site.rows.slice(0, limit);
  const changeJson = rows.map((row) => storedJson(row, siteId));
  const hasMore = site.rows.length > limit;
  return {
    changeJson,
    cursor: hasMore ? Number(rows[rows.length - 1].version) : Math.max(since, site.lastVersion),
    hasMore,
    latestVersion: site.lastVersion,
  };
}

/** Up to `fetch` of the site's changes after `since` in version order, with its counters, as of one snapshot. */
export function readSiteChanges(db: CloudDatabase, siteId: string, since: number, fetch: number): Promise<SiteRead> {
  return (db.dialect === 'postgres' ? readOnPostgres : readOnSqlite)(db, siteId, since, fetch);
}

/** 410 for a cursor below the purge horizon: deletions after it may be gone (DESIGN §4). */
export function refuseExpiredCursor(since: number, purgedVersion: number): void {
  if (since > 0 && since < purgedVersion) {
    throw new HttpError(410, 'cursor_expired', `cursor ${since} is older than the tombstone horizon ${purgedVersion}: deletions since were purged; do a replacement sync`);
  }
}

/** A change's device JSON, or an error naming the row that lacks it. */
export function storedJson(row: StoredChange, siteId: string): string {
  // Written by a build older than migration 0003 (docs/operations.md, upgrading): sending the page
  // without it would move the caller's cursor past a change it never got.
  if (row.device_json === null) throw new Error(`device row at version ${row.version} of site ${siteId} has no device_json: a server older than this build wrote it`);
  return row.device_json;
}
