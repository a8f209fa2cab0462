import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isoNow, systemClock } from '../domain/clock';
import { CloudDatabase } from '../db/cloud/cloud-database';
import { buildCloudServer } from '../cloud/server';
import { enrollInstance } from '../cloud/enrolment';

export const DEMO_SITE_ID = 'demo-site';

/** A cloud server embedded in the desktop app, so a first-time user sees a sync without any set-up. */
export interface DemoCloud {
  url: string;
  port: number;
  /** A fresh token for this PC. */
  enroll(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the demo cloud on 127.0.0.1 only (never reachable from the
 * network) with a SQLite file in the data dir. `port` 0 picks a free one;
 * a restart passes the port it got, so the enrolled URL stays right.
 */
export async function startDemoCloud(dataDir: string, port: number): Promise<DemoCloud> {
  const db = await CloudDatabase.open(join(dataDir, 'demo-cloud.db'));
  let server: FastifyInstance;
  try {
    server = await buildCloudServer({ db });
    await server.listen({ host: '127.0.0.1', port });
  } catch (error) {
    await db.close();
    throw error;
  }
  const address = server.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    enroll: async () => (await enrollInstance(db, DEMO_SITE_ID, 'this PC (demo)', isoNow(systemClock))).token,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}
