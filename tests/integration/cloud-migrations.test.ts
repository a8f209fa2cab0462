import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { enrollInstance } from '../../src/cloud/enrolment';
import { pullResponseJson, readPullPage } from '../../src/cloud/read-pull';
import { pullResponseSchema } from '../../src/contract/sync-http';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { emptyFields } from '../../src/domain/device';
import { CloudInitialSchema0000000000001 } from '../../src/db/cloud/migrations/0001-initial-schema';
import { createTestCloudDb } from '../support/test-cloud-db';

describe('cloud migrations', () => {
  it('0002 (tombstone horizon) and 0003 (device JSON) upgrade a v1 database holding rows: rows intact and pulled whole, horizon 0', async () => {
    const store = await createTestCloudDb();
    try {
      const v1 = new DataSource(
        store.target.startsWith('postgres')
          ? { type: 'postgres', url: store.target, migrations: [CloudInitialSchema0000000000001] }
          : { type: 'sqlite', database: store.target, migrations: [CloudInitialSchema0000000000001] },
      );
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

      const db = await CloudDatabase.open(store.target);
      try {
        const names = (await db.read((r) => r.query('SELECT name FROM migrations ORDER BY id'))).map((m: { name: string }) => m.name);
        assert.deepEqual(names, ['CloudInitialSchema0000000000001', 'CloudTombstoneHorizon0000000000002', 'CloudDeviceJson0000000000003']);
        const sent = JSON.parse(pullResponseJson(await readPullPage(db, 'hq', 0, 10)));
        const page = pullResponseSchema.parse(sent);
        assert.deepEqual(sent.changes, page.changes, 'no key beyond the contract');
        assert.deepEqual(page.changes, [
          { uuid, siteId: 'hq', ...emptyFields(), mac: '02:00:00:00:0c:01', createdAt: now, updatedAt: now, deletedAt: null, version: 7 },
        ]);
        assert.equal(page.latestVersion, 7);
        assert.equal((await readPullPage(db, 'hq', 3, 10)).changeJson.length, 1, 'horizon 0: no cursor has expired');
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
