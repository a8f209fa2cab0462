import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { DataSource, type MigrationInterface } from 'typeorm';
import { readCloudId } from '../../src/cloud/cloud-identity';
import { enrollInstance } from '../../src/cloud/enrolment';
import { PullAnswerWriter } from '../../src/cloud/pull-answer';
import { readPullPage } from '../../src/cloud/read-pull';
import { pullResponseSchema } from '../../src/contract/sync-http';
import { DEFAULT_TOMBSTONE_RETENTION_MS } from '../../src/cloud/tombstone-retention';
import { CLOUD_MIGRATIONS, CloudDatabase } from '../../src/db/cloud/cloud-database';
import { emptyFields } from '../../src/domain/device';
import { CloudInitialSchema0000000000001 } from '../../src/db/cloud/migrations/0001-initial-schema';
import { purgeAt } from '../support/purge-runs';
import { createTestCloudDb } from '../support/test-cloud-db';

/** A bare TypeORM connection to `target` that knows only `migrations`: to build an older schema, or to undo one. */
function migrationsAt(target: string, migrations: (new () => MigrationInterface)[]): DataSource {
  return new DataSource(
    target.startsWith('postgres') ? { type: 'postgres', url: target, migrations, migrationsTransactionMode: 'each' } : { type: 'sqlite', database: target, migrations, migrationsTransactionMode: 'each' },
  );
}

/** What 0004 leaves: no foreign key on devices; the identity indexes skip NULLs and still refuse a second live MAC and serve the MAC probe. */
async function assertLighterDeviceWrites(db: CloudDatabase): Promise<void> {
  const onPostgres = db.dialect === 'postgres';
  const indexes = (await db.read((r) =>
    r.query(onPostgres ? "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'devices' AND schemaname = current_schema()" : "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'devices' AND sql IS NOT NULL"),
  )) as { name: string; sql: string }[];
  const definition = (name: string) => indexes.find((index) => index.name === name)?.sql ?? '';
  assert.match(definition('devices_site_version'), /UNIQUE/i, 'the pull index is still there');
  assert.match(definition('devices_site_live_mac'), /deleted_at IS NULL\)? AND \(?mac IS NOT NULL/i);
  assert.match(definition('devices_site_live_asset_tag'), /deleted_at IS NULL\)? AND \(?asset_tag IS NOT NULL/i);
  const foreignKeys = await db.read((r) =>
    r.query(onPostgres ? "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = 'devices'::regclass" : 'PRAGMA foreign_key_list(devices)'),
  );
  assert.deepEqual(foreignKeys, []);

  const now = new Date().toISOString();
  const insert = `INSERT INTO devices (uuid, site_id, mac, created_at, updated_at, version, device_json) VALUES (${[1, 2, 3, 4, 5, 6, 7].map((n) => db.param(n)).join(', ')})`;
  await assert.rejects(db.execute(insert, [randomUUID(), 'hq', '02:00:00:00:0c:01', now, now, 8, '{}']), /unique|duplicate/i, 'a second live device with that MAC');

  const probe = `SELECT uuid FROM devices WHERE site_id = ${db.param(1)} AND deleted_at IS NULL AND mac ${onPostgres ? '= ANY($2::text[])' : 'IN (?)'}`;
  const plan = await db.read(async (r) => {
    // A one-row table is cheaper to scan; the question is whether the index can serve the probe at all.
    if (onPostgres) await r.query('SET enable_seqscan = off');
    try {
      return JSON.stringify(await r.query(`${onPostgres ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${probe}`, ['hq', onPostgres ? ['02:00:00:00:0c:01'] : '02:00:00:00:0c:01']));
    } finally {
      if (onPostgres) await r.query('RESET enable_seqscan');
    }
  });
  assert.match(plan, /devices_site_live_mac/, plan);
}

describe('cloud migrations', () => {
  it('0002 (tombstone horizon), 0003 (device JSON), 0004 (lighter device writes), 0005 (cloud identity) and 0006 (site version marks) upgrade a v1 database holding rows: rows intact and pulled whole, horizon 0, an id that stays', async () => {
    const store = await createTestCloudDb();
    try {
      const v1 = migrationsAt(store.target, [CloudInitialSchema0000000000001]);
      await v1.initialize();
      await v1.runMigrations();
      const now = new Date().toISOString();
      const uuid = '5f0e4c3a-1b2d-4e6f-8a9b-0c1d2e3f4a5b';
      const p = (n: number) => (v1.options.type === 'postgres' ? `$${n}` : '?');
      await v1.query(`INSERT INTO sites (site_id, last_version, created_at) VALUES (${p(1)}, 7, ${p(2)})`, ['hq', now]);
      await v1.query(
        `INSERT INTO devices (uuid, site_id, mac, created_at, updated_at, version) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, 7)`,
        [uuid, 'hq', '02:00:00:00:0c:01', now, now],
      );
      await v1.destroy();

      let cloudId = '';
      const db = await CloudDatabase.open(store.target);
      try {
        const names = (await db.read((r) => r.query('SELECT name FROM migrations ORDER BY id'))).map((m: { name: string }) => m.name);
        assert.deepEqual(names, ['CloudInitialSchema0000000000001', 'CloudTombstoneHorizon0000000000002', 'CloudDeviceJson0000000000003', 'CloudLighterDeviceWrites0000000000004', 'CloudIdentity0000000000005', 'CloudSiteVersionMarks0000000000006']);
        const sent = JSON.parse(new PullAnswerWriter().write(await readPullPage(db, 'hq', 0, 10), 'identity').body.toString('utf8'));
        const page = pullResponseSchema.parse(sent);
        assert.deepEqual(sent.changes, page.changes, 'no key beyond the contract');
        assert.deepEqual(page.changes, [
          { uuid, siteId: 'hq', ...emptyFields(), mac: '02:00:00:00:0c:01', createdAt: now, updatedAt: now, deletedAt: null, version: 7 },
        ]);
        assert.equal(page.latestVersion, 7);
        assert.equal((await readPullPage(db, 'hq', 3, 10)).changeJson.length, 1, 'horizon 0: no cursor has expired');
        await assertLighterDeviceWrites(db);
        cloudId = await readCloudId(db);
        assert.match(cloudId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      } finally {
        await db.close();
      }
      const reopened = await CloudDatabase.open(store.target);
      try {
        assert.equal(await readCloudId(reopened), cloudId, 'made once, by the migration: reopening keeps it');
      } finally {
        await reopened.close();
      }
    } finally {
      await store.drop();
    }
  });

  it('0006 (site version marks): a cloud upgraded with an old tombstone purges it only a retention after its first run; undone, the marks go with their table', async () => {
    const store = await createTestCloudDb();
    try {
      const marked = Date.now();
      let db = await CloudDatabase.open(store.target);
      try {
        await enrollInstance(db, 'hq', 'pc', new Date().toISOString());
        await db.execute(`UPDATE sites SET last_version = 1 WHERE site_id = ${db.param(1)}`, ['hq']);
        const at = '2000-01-01T00:00:00.000Z';
        const insert = `INSERT INTO devices (uuid, site_id, mac, created_at, updated_at, deleted_at, version, device_json) VALUES (${[1, 2, 3, 4, 5, 6].map((n) => db.param(n)).join(', ')}, 1, '{}')`;
        await db.execute(insert, [randomUUID(), 'hq', '02:00:00:00:0c:03', at, at, at]);
        assert.equal((await purgeAt(db, marked)).purged, 0, 'deleted in 2000 by its deletedAt, but nothing tells when the cloud received it');
      } finally {
        await db.close();
      }

      const migrations = migrationsAt(store.target, CLOUD_MIGRATIONS);
      await migrations.initialize();
      await migrations.undoLastMigration();
      await assert.rejects(migrations.query('SELECT 1 FROM site_version_marks'), /site_version_marks/);
      await migrations.destroy();

      db = await CloudDatabase.open(store.target);
      try {
        assert.equal((await purgeAt(db, marked + DEFAULT_TOMBSTONE_RETENTION_MS)).purged, 0, 'the first mark went with the table; this run makes a new one');
        assert.equal((await purgeAt(db, marked + 2 * DEFAULT_TOMBSTONE_RETENTION_MS)).purged, 1, 'a retention after that run');
      } finally {
        await db.close();
      }
    } finally {
      await store.drop();
    }
  });

  it('a device row an older build wrote without its JSON fails the pull, naming it, instead of being skipped (SQLite keeps the column nullable)', async () => {
    const store = await createTestCloudDb('sqlite');
    const db = await CloudDatabase.open(store.target);
    try {
      await enrollInstance(db, 'hq', 'pc', new Date().toISOString());
      const now = new Date().toISOString();
      await db.execute('UPDATE sites SET last_version = 1 WHERE site_id = ?', ['hq']);
      await db.execute('INSERT INTO devices (uuid, site_id, mac, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)', [randomUUID(), 'hq', '02:00:00:00:0c:02', now, now]);
      await assert.rejects(readPullPage(db, 'hq', 0, 10), /version 1 of site hq has no device_json/);
    } finally {
      await db.close();
      await store.drop();
    }
  });
});
