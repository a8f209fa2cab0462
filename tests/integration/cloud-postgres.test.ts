import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { applyPushBatch } from '../../src/cloud/apply-push';
import { enrollInstance } from '../../src/cloud/enrolment';
import { PullAnswerWriter } from '../../src/cloud/pull-answer';
import { readPullPage } from '../../src/cloud/read-pull';
import { pullResponseSchema } from '../../src/contract/sync-http';
import { CLOUD_MIGRATIONS, CloudDatabase } from '../../src/db/cloud/cloud-database';
import { TEST_CLOUD_BACKEND, createTestCloudDb, type TestCloudDb } from '../support/test-cloud-db';

const skip = TEST_CLOUD_BACKEND === 'postgres' ? false : 'PostgreSQL specifics run in npm run test:integration:pg';

describe('the cloud schema on PostgreSQL', { skip }, () => {
  let store: TestCloudDb;
  let db: CloudDatabase;
  const now = () => new Date().toISOString();
  const push = (instanceId: string, changes: { mac: string; deletedAt?: string }[]) =>
    applyPushBatch(
      db,
      { instanceId, siteId: 'hq' },
      { batchId: randomUUID(), changes: changes.map((c) => ({ uuid: randomUUID(), baseVersion: null, fields: { mac: c.mac }, deletedAt: c.deletedAt ?? null, updatedAt: now() })) },
      now(),
    );

  before(async () => {
    store = await createTestCloudDb('postgres');
    db = await CloudDatabase.open(store.target);
  });

  after(async () => {
    await db.close();
    await store.drop();
  });

  it('the same numbered migration runs once; reopening keeps the rows', async () => {
    await enrollInstance(db, 'hq', 'kept', now());
    await db.close();
    db = await CloudDatabase.open(store.target);
    assert.equal(db.dialect, 'postgres');
    const migrations = await db.read((r) => r.query('SELECT name FROM migrations ORDER BY id'));
    assert.deepEqual(
      migrations.map((m: { name: string }) => m.name),
      CLOUD_MIGRATIONS.map((migration) => new migration().name),
      'each migration once, in order',
    );
    assert.equal((await db.read((r) => r.query("SELECT count(*)::int AS n FROM connected_sites WHERE name = 'kept'")))[0].n, 1);
  });

  it('MAC and asset tag are unique among live devices that have one: partial unique indexes', async () => {
    const indexes: { indexname: string; indexdef: string }[] = await db.read((r) => r.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'devices'"));
    const def = (name: string) => indexes.find((i) => i.indexname === name)?.indexdef ?? '';
    assert.match(def('devices_site_live_mac'), /UNIQUE INDEX .* \(site_id, mac\) WHERE \(\(deleted_at IS NULL\) AND \(mac IS NOT NULL\)\)/);
    assert.match(def('devices_site_live_asset_tag'), /UNIQUE INDEX .* \(site_id, asset_tag\) WHERE \(\(deleted_at IS NULL\) AND \(asset_tag IS NOT NULL\)\)/);
    assert.match(def('devices_site_version'), /UNIQUE INDEX .* \(site_id, version\)/);

    const insert = (mac: string, deletedAt: string | null, version: number) =>
      db.transaction((tx) =>
        tx.query("INSERT INTO devices (uuid, site_id, mac, created_at, updated_at, deleted_at, version, device_json) VALUES ($1, $2, $3, $4, $4, $5, $6, '{}')", [randomUUID(), 'hq', mac, now(), deletedAt, version]),
      );
    await insert('02:00:00:00:00:01', now(), 900_001);
    await insert('02:00:00:00:00:01', null, 900_002);
    await assert.rejects(insert('02:00:00:00:00:01', null, 900_003), /devices_site_live_mac/);
  });

  it('versions past 2^31 travel as exact numbers (bigint columns)', async () => {
    const { instanceId } = await enrollInstance(db, 'hq', null, now());
    const start = 2 ** 40;
    await db.transaction((tx) => tx.query('UPDATE sites SET last_version = $1 WHERE site_id = $2', [start, 'hq']));
    const answer = await push(instanceId, [{ mac: '02:00:00:00:01:01' }, { mac: '02:00:00:00:01:02' }]);
    assert.deepEqual(answer.results.map((r) => r.version), [start + 1, start + 2]);
    const page = pullResponseSchema.parse(JSON.parse(new PullAnswerWriter().write(await readPullPage(db, 'hq', start + 1, 10), 'identity').body.toString('utf8')));
    assert.equal(page.changes.length, 1);
    assert.equal(page.changes[0].version, start + 2);
    assert.equal(typeof page.changes[0].version, 'number');
    assert.equal(page.cursor, start + 2);
    assert.equal(page.latestVersion, start + 2);
  });
});
