import { CloudDatabase } from '../db/cloud/cloud-database';
import { isoNow, systemClock } from '../domain/clock';
import { buildCloudServer } from './server';
import { purgeTombstones } from './tombstone-retention';

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  trustProxy: boolean;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  /** Tombstones the cloud received longer ago than this are purged at start and then daily; each run also records the marks later runs count from. */
  tombstoneRetentionMs: number;
}

const PURGE_EVERY_MS = 86_400_000;

/**
 * `sitesync cloud serve`: runs until SIGINT or SIGTERM, then stops taking
 * requests (503), lets those in flight finish, ends the live event streams,
 * and closes the database.
 */
export async function serveCloud(options: ServeOptions): Promise<void> {
  const db = await CloudDatabase.open(options.db);
  const app = await buildCloudServer({
    db,
    trustProxy: options.trustProxy,
    rateLimitPerMinute: options.rateLimitPerMinute,
    bodyLimitBytes: options.bodyLimitBytes,
    // Logs go to stderr: stdout carries only the `listening on` line that scripts wait for.
    // Fastify logs no headers by default; the redaction guards any that a future serializer adds.
    logger: { level: process.env.SITESYNC_LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'], stream: process.stderr },
  });
  let purging = Promise.resolve();
  const purge = () => {
    purging = purgeTombstones(db, { now: isoNow(systemClock), retentionMs: options.tombstoneRetentionMs }).then(
      (report) => app.log.info({ purged: report.purged, sites: report.sites.length, cutoff: report.cutoff }, 'tombstone retention'),
      (err: unknown) => app.log.error({ err }, 'tombstone retention failed'),
    );
  };
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  process.stdout.write(`listening on http://${host}:${port}\n`);
  purge();
  const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
  const signal = await new Promise<string>((resolve) => {
    const stop = (name: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(name);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  app.log.info({ signal }, 'shutting down: finishing requests in flight');
  clearInterval(purgeTimer);
  await app.close();
  await purging;
  await db.close();
  app.log.info('stopped');
}
