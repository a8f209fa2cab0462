import type { CloudDatabase } from '../db/cloud/cloud-database';
import { readPullPage, readSiteChanges, refuseExpiredCursor, storedJson, type PullPage, type SiteRead } from './read-pull';

export interface RecentChangesLimits {
  /** Changes a site's window keeps (up to a quarter more between trims); pulls from before them read the database. */
  changesPerSite: number;
  /** Device JSON held over all sites, in UTF-16 code units (the window's indexes add about a third); the sites pulled least recently go first. */
  totalChars: number;
}

export const DEFAULT_RECENT_CHANGES_LIMITS: RecentChangesLimits = { changesPerSite: 10_000, totalChars: 32 * 1024 * 1024 };

/** A window grows this far past `changesPerSite` before its oldest changes go. */
const TRIM_SLACK = 1.25;

/**
 * One site's recent changes as the database held them at version `top`:
 * every current change with a version in (floor, top], in version order. A
 * change superseded by a later version of its device leaves a hole (null),
 * so the arrays stay sorted for the binary search; holes are swept out
 * once they are half the window.
 */
class SiteWindow {
  private versions: number[] = [];
  private jsons: (string | null)[] = [];
  private uuids: string[] = [];
  /** Where each held device sits in the arrays. */
  private readonly slotOf = new Map<string, number>();
  private holes = 0;
  chars = 0;
  purgedVersion = 0;
  /** The read in flight, and the one queued behind it for pulls that arrived after it began. */
  reading: Promise<void> | null = null;
  queued: Promise<void> | null = null;

  /** An empty window at `version`: once a read has filled it, it holds every change after it. */
  constructor(
    public floor: number,
    public top = floor,
  ) {}

  /** Empties the window and opens it again at the read's top. */
  reset(read: SiteRead): void {
    this.floor = this.top = read.lastVersion;
    this.purgedVersion = read.purgedVersion;
    this.keepFrom(this.versions.length);
  }

  /**
   * Adds the changes of a read that began at `top`, each replacing its
   * device's older change, then drops the oldest beyond `keep`.
   */
  append(read: SiteRead, siteId: string, keep: number): void {
    // Every row's JSON first: a row without it fails the read before the window has changed.
    const jsons = read.rows.map((row) => storedJson(row, siteId));
    read.rows.forEach((row, i) => {
      const json = jsons[i];
      const slot = this.slotOf.get(row.uuid);
      if (slot !== undefined) {
        this.chars -= this.jsons[slot]!.length;
        this.jsons[slot] = null;
        this.holes++;
      }
      this.slotOf.set(row.uuid, this.versions.length);
      this.versions.push(Number(row.version));
      this.jsons.push(json);
      this.uuids.push(row.uuid);
      this.chars += json.length;
    });
    this.top = read.lastVersion;
    this.purgedVersion = read.purgedVersion;

    // A purge may have taken, unseen, the tombstone that superseded a change held here: nothing at or
    // below its horizon is trusted. Then, once the window is a quarter past `keep`, the oldest go down
    // to it: each trim rebuilds the window, so not on every read.
    const horizon = Math.max(this.floor, this.purgedVersion);
    let first = 0;
    let held = this.versions.length - this.holes;
    while (first < this.versions.length && this.versions[first] <= horizon) if (this.jsons[first++] !== null) held--;
    if (held > keep * TRIM_SLACK) for (; held > keep; first++) if (this.jsons[first] !== null) held--;
    this.floor = first > 0 ? Math.max(horizon, this.versions[first - 1]) : horizon;
    if (first > 0 || this.holes * 2 > this.versions.length) this.keepFrom(first);
  }

  /** The page after `since` (at or above the floor), as a read of the database at `top` would give it. */
  page(since: number, limit: number): PullPage {
    let low = 0;
    let high = this.versions.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.versions[middle] <= since) low = middle + 1;
      else high = middle;
    }
    const changeJson: string[] = [];
    let last = since;
    let slot = low;
    for (; slot < this.versions.length && changeJson.length < limit; slot++) {
      const json = this.jsons[slot];
      if (json === null) continue;
      changeJson.push(json);
      last = this.versions[slot];
    }
    while (slot < this.versions.length && this.jsons[slot] === null) slot++;
    const hasMore = slot < this.versions.length;
    return { changeJson, cursor: hasMore ? last : Math.max(since, this.top), hasMore, latestVersion: this.top };
  }

  /** Keeps the changes from `first` on, without holes. */
  private keepFrom(first: number): void {
    const kept: number[] = [];
    for (let slot = first; slot < this.versions.length; slot++) if (this.jsons[slot] !== null) kept.push(slot);
    this.versions = kept.map((slot) => this.versions[slot]);
    this.uuids = kept.map((slot) => this.uuids[slot]);
    this.jsons = kept.map((slot) => this.jsons[slot]);
    this.chars = this.jsons.reduce((sum, json) => sum + json!.length, 0);
    this.holes = 0;
    this.slotOf.clear();
    this.uuids.forEach((uuid, slot) => this.slotOf.set(uuid, slot));
  }
}

/** What a process's window has done since it started: how to tell whether its bounds suit the cloud. */
export interface RecentChangesStats {
  /** Sites with a window now, and the device JSON they hold (characters). */
  sites: number;
  chars: number;
  /** Pulls answered from a window already open: the database read only what was new. */
  pullsFromWindow: number;
  /** Pulls that opened a window (a site's first in this process, or once its window was evicted): read from their cursor on. */
  windowsOpened: number;
  /** Pulls the database answered alone: a cursor below the window, a failed read. */
  pullsFromDatabase: number;
  /**
   * Windows forgotten to fit the memory budget. Many, with windows opened about as often, mean the budget
   * is too small for the sites this process serves: each reopening reads the site's changes again.
   */
  windowsEvicted: number;
}

/**
 * A server process's memory of each site's recent changes, so that the
 * ten instances of a site pulling the same new changes cost the database
 * one read of them, not ten (decision 38).
 *
 * Correctness rests on one rule: a pull is answered from a read of the
 * database that began after the pull arrived, so it sees every change
 * committed before it, as a direct read would (a push's answer comes after
 * its commit, so its instance's next pull sees it). Pulls of a site that
 * arrive while a read is in flight share one read queued behind it. Each
 * read asks only for the changes after the window's top, in one snapshot
 * with the site's counters, so the window stays what the database holds:
 * versions of a site are allocated under its lock and commit in order
 * (DESIGN §3), and a device written again leaves its old version. A cursor
 * below the window's floor is served by the database as before.
 */
export class RecentChanges {
  /** In order of last use: the first is the site pulled least recently. */
  private readonly windows = new Map<string, SiteWindow>();
  private chars = 0;
  private readonly counts = { pullsFromWindow: 0, windowsOpened: 0, pullsFromDatabase: 0, windowsEvicted: 0 };

  constructor(
    private readonly db: CloudDatabase,
    private readonly limits: RecentChangesLimits = DEFAULT_RECENT_CHANGES_LIMITS,
    /** How a window reads the database: a test holds a read's answer back to meet a commit in between. */
    private readonly readChanges = readSiteChanges,
  ) {}

  async page(siteId: string, since: number, limit: number): Promise<PullPage> {
    // A site's first pull opens its window at that pull's cursor; the read below fills it.
    const open = this.windows.get(siteId);
    const window = open ?? new SiteWindow(since);
    this.windows.delete(siteId);
    this.windows.set(siteId, window);
    try {
      await this.refresh(siteId, window);
    } catch {
      // The database's own answer: its error when it is down, and a row without its JSON fails only the pages that hold it.
      return this.readDatabase(siteId, since, limit);
    }
    refuseExpiredCursor(since, window.purgedVersion);
    if (since < window.floor) return this.readDatabase(siteId, since, limit);
    this.counts[open ? 'pullsFromWindow' : 'windowsOpened']++;
    return window.page(since, limit);
  }

  get stats(): RecentChangesStats {
    return { sites: this.windows.size, chars: this.chars, ...this.counts };
  }

  private readDatabase(siteId: string, since: number, limit: number): Promise<PullPage> {
    this.counts.pullsFromDatabase++;
    return readPullPage(this.db, siteId, since, limit);
  }

  /** Resolves once a read that began after this call has reached the window. */
  private refresh(siteId: string, window: SiteWindow): Promise<void> {
    if (!window.reading) {
      window.reading = this.readInto(siteId, window).finally(() => (window.reading = null));
      return window.reading;
    }
    // The read in flight began before this pull arrived and may miss what it must see.
    window.queued ??= window.reading
      .catch(() => undefined)
      .then(() => {
        window.queued = null;
        return this.refresh(siteId, window);
      });
    return window.queued;
  }

  private async readInto(siteId: string, window: SiteWindow): Promise<void> {
    const read = await this.readChanges(this.db, siteId, window.top, this.limits.changesPerSite + 1);
    const before = window.chars;
    // The site went back (a restored database) or moved further than a window holds: start over at its top.
    if (read.lastVersion < window.top || read.rows.length > this.limits.changesPerSite) window.reset(read);
    else window.append(read, siteId, this.limits.changesPerSite);
    // A window evicted while its read was in flight still answers the pulls that waited on it, uncounted.
    if (this.windows.get(siteId) !== window) return;
    this.chars += window.chars - before;
    this.evict();
  }

  /**
   * Forgets the sites pulled least recently until the held JSON fits the
   * budget, down to the site just read if it alone is too large: the pulls
   * waiting on it still answer from it, and the next opens a new one.
   */
  private evict(): void {
    for (const [siteId, window] of this.windows) {
      if (this.chars <= this.limits.totalChars) return;
      this.windows.delete(siteId);
      this.chars -= window.chars;
      this.counts.windowsEvicted++;
    }
  }
}
