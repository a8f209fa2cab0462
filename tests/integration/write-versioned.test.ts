import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { deviceJson } from '../../src/cloud/device-json';
import { enrollInstance } from '../../src/cloud/enrolment';
import { lockSite } from '../../src/cloud/site-versions';
import { writeVersioned } from '../../src/cloud/write-versioned';
import type { RemoteDevice } from '../../src/contract/device';
import { DEVICE_SELECT } from '../../src/db/columns';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { emptyFields } from '../../src/domain/device';
import { createTestCloudDb, TEST_CLOUD_BACKEND, type TestCloudDb } from '../support/test-cloud-db';

const now = () => new Date().toISOString();

describe(`writeVersioned stores each device in its columns and as its JSON (${TEST_CLOUD_BACKEND})`, () => {
  let store: TestCloudDb;
  let db: CloudDatabase;

  before(async () => {
    store = await createTestCloudDb();
    db = await CloudDatabase.open(store.target);
    await enrollInstance(db, 'hq', null, now());
  });

  after(async () => {
    await db.close();
    await store.drop();
  });

  it('keeps text that JSON escapes (quotes, backslashes, newlines, non-ASCII) byte for byte, new rows and replaced ones alike', async () => {
    const awkward = ['say "hi"', 'C:\\temp\\new', 'line one\nline two\r\n', 'Zürich – 東京 🚀', '{"not":"json"}', '', ' '];
    const created: Omit<RemoteDevice, 'version'>[] = awkward.map((text, i) => ({
      ...emptyFields(),
      uuid: randomUUID(),
      siteId: 'hq',
      hostname: `pc-${i}`,
      mac: `02:00:00:00:00:${String(i).padStart(2, '0')}`,
      notes: text,
      location: text.slice(0, 200) || null,
      createdAt: now(),
      updatedAt: now(),
      deletedAt: null,
    }));
    const replaced = created.slice(0, 3).map((device, i) => ({ ...device, notes: `${device.notes}\tedited`, assetTag: `TAG-"${i}"`, deletedAt: i === 0 ? now() : null }));

    for (const writes of [created, replaced]) {
      const versions = await db.transaction(async (tx) => {
        await lockSite(db, tx, 'hq');
        return writeVersioned(db, tx, 'hq', writes);
      });
      const rows: (RemoteDevice & { device_json: string })[] = await db.read((m) =>
        m.query(`SELECT ${DEVICE_SELECT}, version, device_json FROM devices WHERE uuid IN (${writes.map((_, i) => db.param(i + 1)).join(', ')})`, writes.map((w) => w.uuid)),
      );
      assert.equal(rows.length, writes.length);
      for (const write of writes) {
        const row = rows.find((r) => r.uuid === write.uuid)!;
        const expected: RemoteDevice = { ...write, version: versions.get(write.uuid)! };
        const { device_json: stored, ...columns } = row;
        assert.deepEqual({ ...columns, version: Number(columns.version) }, expected, 'every column holds its property');
        assert.equal(stored, deviceJson(expected), 'device_json is the device JSON, exactly');
      }
    }
  });
});
