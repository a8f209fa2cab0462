import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { EntityManager } from 'typeorm';
import { loadDecisionRecords } from '../../src/cloud/decision-records';
import { enrollInstance } from '../../src/cloud/enrolment';
import { writeVersioned } from '../../src/cloud/write-versioned';
import type { PushChange } from '../../src/contract/sync-http';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { emptyFields } from '../../src/domain/device';
import { createTestCloudDb, TEST_CLOUD_BACKEND, type TestCloudDb } from '../support/test-cloud-db';

const now = () => new Date().toISOString();
const mac = (n: number) => `02:00:00:01:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
const SITE_SIZE = 2000;

type PlanNode = { 'Node Type': string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] };

/**
 * Rows every scan of a PostgreSQL plan read, those its filters threw away included. About: a node's rows are a
 * per-loop average, rounded, so probes that mostly find nothing count a little low; a scan of the site counts in full.
 */
function rowsRead(node: PlanNode): number {
  const own = /Scan/.test(node['Node Type']) ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'] : 0;
  return own + (node.Plans ?? []).map(rowsRead).reduce((a, b) => a + b, 0);
}

describe(`a push is decided against only the records it names, without statistics (decision 35, ${TEST_CLOUD_BACKEND})`, () => {
  let store: TestCloudDb;
  let db: CloudDatabase;
  let devices: { uuid: string; mac: string; assetTag: string }[];
  let statement: { sql: string; params: unknown[] };
  let records: Awaited<ReturnType<typeof loadDecisionRecords>>;

  before(async () => {
    store = await createTestCloudDb();
    db = await CloudDatabase.open(store.target);
    // A site of 2,000 live devices in a table that has no statistics: autovacuum may not analyze it meanwhile.
    if (db.dialect === 'postgres') await db.execute('ALTER TABLE devices SET (autovacuum_enabled = false)', []);
    await enrollInstance(db, 'big', null, now());
    devices = Array.from({ length: SITE_SIZE }, (_, n) => ({ uuid: randomUUID(), mac: mac(n), assetTag: `AT-${n}` }));
    await db.transaction((tx) => writeVersioned(db, tx, 'big', devices.map((d) => ({ ...emptyFields(), ...d, siteId: 'big', createdAt: now(), updatedAt: now(), deletedAt: null }))));

    const change = (uuid: string, baseVersion: number | null, n: number): PushChange => ({ uuid, baseVersion, fields: { mac: mac(n), assetTag: `AT-${n}` }, deletedAt: null, updatedAt: now() });
    const edits = [5, 700, SITE_SIZE - 1].map((n) => change(devices[n].uuid, n + 1, n));
    const creations = [SITE_SIZE, SITE_SIZE + 1, SITE_SIZE + 2].map((n) => change(randomUUID(), null, n));
    records = await db.read((manager) => {
      const recording = { query: (sql: string, params: unknown[]) => ((statement = { sql, params }), manager.query(sql, params)) } as unknown as EntityManager;
      return loadDecisionRecords(db, recording, 'big', [...edits, ...creations]);
    });
  });

  after(async () => {
    await db.close();
    await store.drop();
  });

  it('finds the edited devices by uuid and knows who holds each MAC and asset tag named', () => {
    assert.deepEqual([...records.current.keys()].sort(), [devices[5].uuid, devices[700].uuid, devices[SITE_SIZE - 1].uuid].sort());
    const someoneElse = randomUUID();
    assert.equal(records.identities.holderOf({ mac: mac(700), assetTag: null }, someoneElse)?.uuid, devices[700].uuid);
    assert.equal(records.identities.holderOf({ mac: null, assetTag: `AT-${SITE_SIZE - 1}` }, someoneElse)?.uuid, devices[SITE_SIZE - 1].uuid);
    assert.equal(records.identities.holderOf({ mac: mac(SITE_SIZE), assetTag: `AT-${SITE_SIZE}` }, someoneElse), null, 'a new MAC and tag are free');
  });

  it('probes its indexes value by value instead of reading the whole site', async () => {
    if (db.dialect === 'postgres') {
      const [{ columns }] = await db.read((r) => r.query("SELECT count(*)::int AS columns FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'devices'"));
      assert.equal(columns, 0, 'the table has no statistics');
      const [{ 'QUERY PLAN': [{ Plan }] }] = await db.read((r) => r.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`, statement.params));
      // 6 uuids, 6 MACs and 6 asset tags name 9 rows at most (each edited device is found three times); reading the
      // site through its MAC and asset-tag indexes, as `= ANY(list)` was planned without statistics, read 4,006.
      const read = rowsRead(Plan as PlanNode);
      assert.ok(read <= 3 * 18, `the decision read looked at ${read} rows for 18 values`);
      return;
    }
    // SQLite has no row counts to show; its plan says the same: one search per arm, on every column of its index.
    const plan: { detail: string }[] = await db.read((r) => r.query(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.params));
    const accesses = plan.map((step) => step.detail).filter((detail) => /^(SCAN|SEARCH)/.test(detail));
    assert.deepEqual(accesses.map((detail) => detail.replace(/INDEX \S+/, 'INDEX')), [
      'SEARCH devices USING INDEX (uuid=?)',
      'SEARCH devices USING INDEX (site_id=? AND mac=?)',
      'SEARCH devices USING INDEX (site_id=? AND asset_tag=?)',
    ]);
  });
});
