import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import type { VersionAnnouncement, VersionFeed, VersionListener } from './version-feed';

/** How the LISTEN connection shows in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'sitesync-version-feed';
const RECONNECT_BASE_MS = 250;
const RECONNECT_MAX_MS = 30_000;

/**
 * Announcements through PostgreSQL NOTIFY, heard by every server process of
 * the cloud on one LISTEN connection each (opened while someone listens).
 * The channel is named after the schema, so two clouds sharing a database
 * never hear each other. If that connection drops, it is opened again with
 * back-off, and each listening site is then told its latest version: what
 * was announced in between is not lost, only late.
 */
export class PostgresVersionFeed implements VersionFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private channelName: Promise<string> | null = null;
  private listening: Promise<void> | null = null;
  private client: Client | null = null;
  private subscribers = 0;
  private failures = 0;

  constructor(private readonly db: CloudDatabase) {}

  private channel(): Promise<string> {
    this.channelName ??= this.db.read(async (r) => {
      const [{ schema }] = (await r.query('SELECT current_schema() AS schema')) as { schema: string }[];
      const name = `sitesync_versions:${schema}`;
      // A channel is an identifier: at most 63 bytes.
      return Buffer.byteLength(name) <= 63 ? name : `sitesync_versions:${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
    });
    return this.channelName;
  }

  async announce(announcement: VersionAnnouncement): Promise<void> {
    const channel = await this.channel();
    await this.db.read((r) => r.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(announcement)]));
  }

  async subscribe(siteId: string, listener: VersionListener): Promise<() => void> {
    this.emitter.on(siteId, listener);
    this.subscribers++;
    let subscribed = true;
    const unsubscribe = () => {
      if (!subscribed) return;
      subscribed = false;
      this.emitter.off(siteId, listener);
      if (--this.subscribers === 0) this.stopListening();
    };
    try {
      await this.listen();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  private listen(): Promise<void> {
    this.listening ??= this.connect().catch((error: unknown) => {
      this.listening = null;
      throw error;
    });
    return this.listening;
  }

  private async connect(): Promise<void> {
    const channel = await this.channel();
    const client = new Client({ connectionString: this.db.target, application_name: LISTENER_APPLICATION_NAME });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload) this.deliver(message.payload);
    });
    await client.connect();
    await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    this.client = client;
    if (this.subscribers === 0) this.stopListening();
  }

  private deliver(payload: string): void {
    try {
      const announcement = JSON.parse(payload) as VersionAnnouncement;
      this.emitter.emit(announcement.siteId, announcement);
    } catch {
      // Not ours (someone else NOTIFYing on the channel): nothing to pass on.
    }
  }

  private stopListening(): void {
    const client = this.client;
    this.client = null;
    this.listening = null;
    void client?.end().catch(() => {});
  }

  private lost(client: Client): void {
    if (client !== this.client) return;
    this.client = null;
    this.listening = null;
    void client.end().catch(() => {});
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.subscribers === 0) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** this.failures++);
    setTimeout(() => {
      if (this.subscribers === 0) return;
      this.listen()
        .then(
          () => {
            this.failures = 0;
            return this.catchUp();
          },
          () => this.reconnectLater(),
        )
        // A failed catch-up leaves the instances on their schedule; the stream itself is back.
        .catch(() => {});
    }, delay).unref();
  }

  /** Tells every listening site its latest version: announcements made while the connection was down were lost. */
  private async catchUp(): Promise<void> {
    for (const siteId of this.emitter.eventNames() as string[]) {
      const rows = (await this.db.read((r) => r.query('SELECT last_version FROM sites WHERE site_id = $1', [siteId]))) as { last_version: string }[];
      if (rows.length) this.emitter.emit(siteId, { siteId, version: Number(rows[0].last_version), by: null });
    }
  }
}
