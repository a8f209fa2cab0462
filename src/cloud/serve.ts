import { CloudDatabase } from '../db/cloud/cloud-database';
import { buildCloudServer } from './server';

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  trustProxy: boolean;
}

/**
 * `sitesync cloud serve`: runs until SIGINT or SIGTERM, then stops taking
 * requests, lets those in flight finish, and closes the database.
 */
export async function serveCloud(options: ServeOptions): Promise<void> {
  const db = await CloudDatabase.open(options.db);
  const app = await buildCloudServer({
    db,
    trustProxy: options.trustProxy,
    // Logs go to stderr: stdout carries only the `listening on` line that scripts wait for.
    logger: { level: process.env.SITESYNC_LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'], stream: process.stderr },
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  process.stdout.write(`listening on http://${host}:${port}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await app.close();
  await db.close();
}
