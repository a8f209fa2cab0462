import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { readCloudId } from '../../src/cloud/cloud-identity';
import { writeMeta } from '../../src/db/local/meta-store';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';

/**
 * Which pull cursor a data dir keeps when it is enrolled again (decision 39).
 * The moves between addresses of one cloud, with a purged deletion, are in
 * retention.test.ts; these are the cases where the address alone would decide wrongly.
 */
describe('enrolling a data dir again keeps its cursor only for the cloud it came from', () => {
  async function withSyncedInstance(work: (cloud: TestCloud, instance: TestInstance) => Promise<void>) {
    const cloud = await startTestCloud();
    const instance = await startTestInstance(cloud, 'hq');
    try {
      for (let i = 0; i < 3; i++) await instance.app.addDevice({ mac: `02:00:00:00:0e:0${i}`, hostname: `pc-${i}` });
      await instance.sync();
      assert.equal((await instance.app.meta()).pullCursor, 3);
      await work(cloud, instance);
    } finally {
      await instance.close();
      await cloud.stop();
    }
  }

  it('another cloud at the same address (a new id) starts the cursor at 0', () =>
    withSyncedInstance(async (cloud, instance) => {
      await cloud.pause();
      await cloud.db.execute('UPDATE cloud_identity SET cloud_id = ' + cloud.db.param(1), [randomUUID()]);
      await cloud.resume();
      await instance.app.init(cloud.url, await cloud.enroll('hq'));
      const meta = await instance.app.meta();
      assert.equal(meta.cloudId, await readCloudId(cloud.db));
      assert.equal(meta.pullCursor, 0);
    }));

  it('a data dir enrolled before clouds had ids learns the id from the status, then keeps its cursor at another address', () =>
    withSyncedInstance(async (cloud, instance) => {
      await instance.app.db.write((tx) => writeMeta(tx, { cloudId: null }));
      assert.equal((await instance.app.meta()).cloudId, null, 'read back as null, not as the text "null"');
      assert.equal((await instance.app.status()).connection, 'online');
      assert.equal((await instance.app.meta()).cloudId, await readCloudId(cloud.db));

      await instance.app.init(cloud.url.replace('127.0.0.1', 'localhost'), await cloud.enroll('hq'));
      assert.equal((await instance.app.meta()).pullCursor, 3);
    }));

  it('without an id on either side the address decides, as before ids', () =>
    withSyncedInstance(async (cloud, instance) => {
      await instance.app.db.write((tx) => writeMeta(tx, { cloudId: null }));
      await instance.app.init(cloud.url, await cloud.enroll('hq'));
      assert.equal((await instance.app.meta()).pullCursor, 3, 'same address: kept');
      await instance.app.db.write((tx) => writeMeta(tx, { cloudId: null }));
      await instance.app.init(cloud.url.replace('127.0.0.1', 'localhost'), await cloud.enroll('hq'));
      assert.equal((await instance.app.meta()).pullCursor, 0, 'another address, nothing to tell it is the same cloud: from 0');
    }));

  it('a cursor past the cloud\'s newest version (a cloud restored from an older backup) starts again at 0', () =>
    withSyncedInstance(async (cloud, instance) => {
      await cloud.pause();
      await cloud.db.execute('DELETE FROM devices WHERE version > 1', []);
      await cloud.db.execute('UPDATE sites SET last_version = 1', []);
      await cloud.resume();
      await instance.app.init(cloud.url, await cloud.enroll('hq'));
      assert.equal((await instance.app.meta()).pullCursor, 0, 'versions 2 and 3 will be handed out again and must be pulled');
    }));
});
