import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { tempDir } from './temp-dir';

/** The backend the test clouds run on: `SITESYNC_TEST_CLOUD_DB=postgres` picks PostgreSQL, anything else SQLite. */
export const TEST_CLOUD_BACKEND: 'sqlite' | 'postgres' = process.env.SITESYNC_TEST_CLOUD_DB === 'postgres' ? 'postgres' : 'sqlite';

/** The PostgreSQL database and role the tests create their schemas with (`.ci/run` makes both). */
export const TEST_PG_URL = process.env.SITESYNC_TEST_PG_URL ?? 'postgres://sitesync_test:sitesync_test@127.0.0.1:5432/test';

export interface TestCloudDb {
  /** What `--db` takes: a SQLite file path, or a postgres:// URL whose search_path is this test's own schema. */
  target: string;
  /** Removes the file or the schema, with every row the test wrote. */
  drop(): Promise<void>;
}

async function withPg<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL URL that lands in `schema`: libpq's `options` sets the search_path of every connection. */
export function urlInSchema(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * A fresh, empty cloud database for one test cloud: a file in a temp dir on
 * SQLite, a uniquely named schema on PostgreSQL (tests running side by side
 * never see each other's rows, and a second run starts clean).
 */
export async function createTestCloudDb(backend = TEST_CLOUD_BACKEND): Promise<TestCloudDb> {
  if (backend === 'sqlite') {
    const dir = tempDir('sitesync-cloud-');
    return { target: join(dir.path, 'cloud.db'), drop: async () => dir.remove() };
  }
  const schema = `sitesync_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withPg((client) => client.query(`CREATE SCHEMA ${schema}`));
  return {
    target: urlInSchema(TEST_PG_URL, schema),
    drop: () => withPg((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}
