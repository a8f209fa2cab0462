import type { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { DEFAULT_TOMBSTONE_RETENTION_MS, purgeTombstones, type PurgeReport } from '../../src/cloud/tombstone-retention';

/** The purge run the cloud would make at `at` (ms) by its own clock, with the default retention: tests move time without waiting. */
export function purgeAt(db: CloudDatabase, at: number): Promise<PurgeReport> {
  return purgeTombstones(db, { now: new Date(at).toISOString(), retentionMs: DEFAULT_TOMBSTONE_RETENTION_MS });
}

/** Purges every tombstone there is: a run now marks what the cloud holds, and one a retention later purges it. */
export async function purgeEveryTombstone(db: CloudDatabase): Promise<PurgeReport> {
  const now = Date.now();
  await purgeAt(db, now);
  return purgeAt(db, now + DEFAULT_TOMBSTONE_RETENTION_MS);
}
