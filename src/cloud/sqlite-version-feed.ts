import { EventEmitter } from 'node:events';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import type { VersionAnnouncement, VersionFeed, VersionListener } from './version-feed';

/** How often a SQLite cloud looks for versions another process wrote (`cloud device edit` beside `serve`). */
export const SQLITE_VERSION_POLL_MS = 500;

/**
 * Announcements on a SQLite cloud. A write in this process reaches the
 * listeners at once, through an emitter. A write by another process on the
 * same file (the `cloud` CLI beside `serve`) has no way to call in, so while
 * anyone listens the feed reads the listened sites' versions every
 * `pollMs` and announces what went past the last version it announced: one
 * small read, and a cloud-side edit reaches the instances within a poll.
 */
export class SqliteVersionFeed implements VersionFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  /** The latest version announced, per site someone listens to. */
  private readonly announced = new Map<string, number>();
  /** The next poll, while anyone listens and no poll is under way. */
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly db: CloudDatabase,
    private readonly pollMs = SQLITE_VERSION_POLL_MS,
  ) {}

  async announce(announcement: VersionAnnouncement): Promise<void> {
    const { siteId, version } = announcement;
    if (this.announced.has(siteId)) this.announced.set(siteId, Math.max(version, this.announced.get(siteId)!));
    this.emitter.emit(siteId, announcement);
  }

  async subscribe(siteId: string, listener: VersionListener): Promise<() => void> {
    // From the version the site has now: the first poll announces only what comes after.
    if (!this.announced.has(siteId)) {
      const latest = (await this.latestVersions([siteId])).get(siteId) ?? 0;
      // Another subscribe or an announcement may have set it meanwhile, to a version as new or newer.
      if (!this.announced.has(siteId)) this.announced.set(siteId, latest);
    }
    this.emitter.on(siteId, listener);
    if (!this.timer && !this.polling) this.schedulePoll();
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.emitter.off(siteId, listener);
      if (this.emitter.listenerCount(siteId) > 0) return;
      this.announced.delete(siteId);
      if (this.announced.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  private async latestVersions(siteIds: string[]): Promise<Map<string, number>> {
    if (siteIds.length === 0) return new Map();
    const rows: { siteId: string; version: number }[] = await this.db.read((r) =>
      r.query(`SELECT site_id AS siteId, last_version AS version FROM sites WHERE site_id IN (${siteIds.map(() => '?').join(', ')})`, siteIds),
    );
    return new Map(rows.map((row) => [row.siteId, Number(row.version)]));
  }

  private schedulePoll(): void {
    this.timer = setTimeout(() => void this.poll(), this.pollMs).unref();
  }

  private async poll(): Promise<void> {
    this.timer = null;
    this.polling = true;
    try {
      // A failed read (the database closing at shutdown) only skips this round.
      const latest = await this.latestVersions([...this.announced.keys()]).catch(() => new Map<string, number>());
      for (const [siteId, version] of latest) {
        if (this.announced.has(siteId) && version > this.announced.get(siteId)!) await this.announce({ siteId, version, by: null });
      }
    } finally {
      this.polling = false;
      if (this.announced.size > 0) this.schedulePoll();
    }
  }
}
