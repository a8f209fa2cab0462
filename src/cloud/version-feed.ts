import type { CloudDatabase } from '../db/cloud/cloud-database';
import { PostgresVersionFeed } from './postgres-version-feed';
import { SqliteVersionFeed } from './sqlite-version-feed';

/** A site reached a new version; `by` is the instance whose push made it (null: a cloud-side edit). */
export interface VersionAnnouncement {
  siteId: string;
  version: number;
  by: string | null;
}

export type VersionListener = (announcement: VersionAnnouncement) => void;

/**
 * Tells the server processes of one cloud that a site has a new version, so
 * each can pass it to the instances of that site listening on
 * `/api/v1/sync/events`. Announced after the commit: a listener that pulls
 * at once sees the change.
 */
export interface VersionFeed {
  announce(announcement: VersionAnnouncement): Promise<void>;
  /** Resolves, with the unsubscribe function, once announcements made from now on will reach `listener`. */
  subscribe(siteId: string, listener: VersionListener): Promise<() => void>;
}

const feeds = new WeakMap<CloudDatabase, VersionFeed>();

/**
 * The feed of this database, one per open database, so a write anywhere in
 * the process (a push, `cloud device edit`) reaches the server's listeners.
 * Writes of other processes reach them too: PostgreSQL through
 * LISTEN/NOTIFY, SQLite by reading the sites' versions while anyone listens.
 */
export function versionFeedOf(db: CloudDatabase): VersionFeed {
  let feed = feeds.get(db);
  if (!feed) {
    feed = db.dialect === 'postgres' ? new PostgresVersionFeed(db) : new SqliteVersionFeed(db);
    feeds.set(db, feed);
  }
  return feed;
}

/**
 * Announces a committed version. Never fails the write it follows: a lost
 * announcement only leaves the other instances on their schedule.
 */
export async function announceVersion(db: CloudDatabase, announcement: VersionAnnouncement): Promise<void> {
  await versionFeedOf(db)
    .announce(announcement)
    .catch(() => {});
}
