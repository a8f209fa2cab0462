import type { FastifyInstance } from 'fastify';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { buildCloudServer, type CloudServerOptions } from '../../src/cloud/server';
import { enrollInstance } from '../../src/cloud/enrolment';
import type { Clock } from '../../src/domain/clock';
import { createTestCloudDb } from './test-cloud-db';

export interface TestCloud {
  url: string;
  db: CloudDatabase;
  server: FastifyInstance;
  /** Enrols a new instance of `siteId` and returns its token. */
  enroll(siteId: string, name?: string): Promise<string>;
  /** Stops taking requests (the database stays open), so clients see the cloud as gone. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real cloud server on 127.0.0.1 with a real database of its own: a SQLite
 * file in a temp dir, or a fresh PostgreSQL schema when
 * SITESYNC_TEST_CLOUD_DB=postgres (see test-cloud-db.ts).
 */
export async function startTestCloud(options: { clock?: Clock; server?: Partial<Omit<CloudServerOptions, 'db' | 'clock'>> } = {}): Promise<TestCloud> {
  const store = await createTestCloudDb();
  const db = await CloudDatabase.open(store.target);
  const start = async (port: number) => {
    const server = await buildCloudServer({ rateLimitPerMinute: 100_000, ...options.server, db, clock: options.clock });
    await server.listen({ host: '127.0.0.1', port });
    return server;
  };
  let server = await start(0);
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    get server() {
      return server;
    },
    async enroll(siteId, name) {
      return (await enrollInstance(db, siteId, name ?? null, new Date().toISOString())).token;
    },
    async pause() {
      await server.close();
    },
    async resume() {
      server = await start(port);
    },
    async stop() {
      await server.close();
      await db.close();
      await store.drop();
    },
  };
}
