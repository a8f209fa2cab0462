import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { LocalApp } from '../../src/app/local-app';
import { LOCAL_DB_FILE, LOCAL_MIGRATIONS } from '../../src/db/local/data-source';
import { oldestOutboxBatch } from '../../src/db/local/push-outbox';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { tempDir } from '../support/temp-dir';

async function plan(run: (sql: string, params: unknown[]) => Promise<{ detail: string }[]>, sql: string, params: unknown[]): Promise<string> {
  return (await run(`EXPLAIN QUERY PLAN ${sql}`, params)).map((row) => row.detail).join(' | ');
}

describe('schema and migrations', () => {
  it('the local migration creates the schema once; a database holding rows reopens intact', async () => {
    const dir = tempDir();
    try {
      let app = await LocalApp.open({ dataDir: dir.path });
      await app.db.write((tx) => tx.query("INSERT INTO meta (key, value) VALUES ('siteId', 'hq')"));
      const added = await app.addDevice({ mac: 'aa:bb:cc:00:05:01', hostname: 'kept' });
      await app.close();

      app = await LocalApp.open({ dataDir: dir.path });
      const migrations = await app.db.read((r) => r.query('SELECT name FROM migrations'));
      assert.deepEqual(migrations.map((m: { name: string }) => m.name), ['LocalInitialSchema0000000000001', 'LocalPushOutbox0000000000002', 'LocalOutboxServerFaults0000000000003']);
      assert.equal((await app.getDevice(added.uuid)).hostname, 'kept');
      const journal = await app.db.read((r) => r.query('PRAGMA journal_mode'));
      assert.equal(journal[0].journal_mode, 'wal');
      await app.close();
    } finally {
      dir.remove();
    }
  });

  it('0003 upgrades a data dir whose outbox holds a batch: kept as sent, with no server faults counted', async () => {
    const dir = tempDir();
    try {
      const older = new DataSource({ type: 'sqlite', database: join(dir.path, LOCAL_DB_FILE), migrations: LOCAL_MIGRATIONS.slice(0, 2), logging: false });
      await older.initialize();
      await older.runMigrations();
      const sent = [{ uuid: 'b0d5c2a4-7a51-4a8e-9a57-2f0c1de0a001', localSeq: 3, change: { uuid: 'b0d5c2a4-7a51-4a8e-9a57-2f0c1de0a001', baseVersion: 2 } }];
      await older.query('INSERT INTO push_outbox (batch_id, changes, sent) VALUES (?, ?, ?)', ['0b3c6f0e-93a1-4f43-a3a4-6f5b0e7c0002', 1, JSON.stringify(sent)]);
      await older.destroy();

      const app = await LocalApp.open({ dataDir: dir.path });
      try {
        assert.deepEqual(await app.db.read((r) => oldestOutboxBatch(r)), { batchId: '0b3c6f0e-93a1-4f43-a3a4-6f5b0e7c0002', sent, serverFaults: 0 });
      } finally {
        await app.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('the push finds dirty devices through the partial index, not a table scan', async () => {
    const dir = tempDir();
    try {
      const app = await LocalApp.open({ dataDir: dir.path });
      const query = (sql: string, params: unknown[]) => app.db.read((r) => r.query(sql, params));
      const dirty = await plan(query, 'SELECT uuid FROM devices WHERE local_seq > pushed_seq AND local_seq > ? ORDER BY local_seq LIMIT 500', [0]);
      assert.match(dirty, /USING INDEX devices_dirty/);
      assert.doesNotMatch(dirty, /SCAN devices(?! USING)/);
      const duplicate = await plan(query, 'SELECT uuid FROM devices WHERE mac = ? AND deleted_at IS NULL AND uuid IS NOT ? LIMIT 1', ['x', null]);
      assert.match(duplicate, /USING INDEX devices_live_mac/);
      await app.close();
    } finally {
      dir.remove();
    }
  });

  it('the cloud reads a pull page through the (site, version) index', async () => {
    const dir = tempDir();
    const db = await CloudDatabase.open(join(dir.path, 'cloud.db'));
    try {
      const query = (sql: string, params: unknown[]) => db.read((r) => r.query(sql, params));
      const pull = await plan(query, 'SELECT uuid FROM devices WHERE site_id = ? AND version > ? ORDER BY version LIMIT 2001', ['hq', 0]);
      assert.match(pull, /USING INDEX devices_site_version \(site_id=\? AND version>\?\)/);
      assert.doesNotMatch(pull, /TEMP B-TREE/, 'no sort: the index gives the order');
      const byMac = await plan(query, 'SELECT uuid FROM devices WHERE site_id = ? AND deleted_at IS NULL AND mac IN (?, ?)', ['hq', 'a', 'b']);
      assert.match(byMac, /USING INDEX devices_site_live_mac \(site_id=\? AND mac=\?\)/);
    } finally {
      await db.close();
      dir.remove();
    }
  });
});
