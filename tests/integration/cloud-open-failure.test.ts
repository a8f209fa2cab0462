import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { TEST_CLOUD_BACKEND, createTestCloudDb } from '../support/test-cloud-db';

const BIN = join(__dirname, '..', '..', 'bin', 'sitesync.js');
// Far above the command's own second or so, below the 10 s after which PostgreSQL's pool drops an idle connection.
const PROMPT_EXIT_MS = 8_000;

/** Runs SQL in the database at `target` (a file path or a postgres:// URL) through a connection of its own. */
async function runSql(target: string, sql: string): Promise<void> {
  const dataSource = new DataSource(target.startsWith('postgres') ? { type: 'postgres', url: target } : { type: 'sqlite', database: target });
  await dataSource.initialize();
  try {
    await dataSource.query(sql);
  } finally {
    await dataSource.destroy();
  }
}

/** `cloud sites --json` on a database set up by `prepare`: it must exit 1 promptly, the database's message its one JSON value on stderr. */
async function assertFailsPromptly(prepare: string, message: RegExp): Promise<void> {
  const store = await createTestCloudDb();
  try {
    await runSql(store.target, prepare);
    const result = spawnSync(process.execPath, [BIN, 'cloud', '--db', store.target, 'sites', '--json'], { encoding: 'utf8', timeout: PROMPT_EXIT_MS });
    assert.equal(result.signal, null, `still running after ${PROMPT_EXIT_MS} ms; stdout: ${result.stdout}`);
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stdout, '', 'nothing on stdout: a --json reader must not meet a stray line');
    const answer = JSON.parse(result.stderr) as { error: { code: string; message: string } };
    assert.equal(answer.error.code, 'failed');
    assert.match(answer.error.message, message);
  } finally {
    await store.drop();
  }
}

describe(`a cloud database that cannot be migrated ends a cloud command with exit 1 (${TEST_CLOUD_BACKEND})`, () => {
  it('when a migration fails: a table of the name the first one creates is there', () => assertFailsPromptly('CREATE TABLE sites (unrelated integer)', /"?sites"? already exists/));

  it(
    'when the role may not create tables in the schema (not even the migrations table)',
    { skip: TEST_CLOUD_BACKEND === 'sqlite' && 'SQLite has no rights to take away' },
    () => assertFailsPromptly("DO $$ BEGIN EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM CURRENT_USER', current_schema()); END $$", /permission denied for schema/),
  );
});
