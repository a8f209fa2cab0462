import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices, changeCloudDevice } from '../../src/cloud/cloud-devices';
import { startStory, type Story } from '../support/story';
import type { TestCloud } from '../support/test-cloud';
import type { TestInstance } from '../support/test-instance';
import type { RecordingProxy } from '../support/recording-proxy';

describe('replication between two instances of a site and the cloud', () => {
  let story: Story;
  let cloud: TestCloud;
  let proxy: RecordingProxy;
  let pc1: TestInstance;
  let pc2: TestInstance;
  let otherSite: TestInstance;

  before(async () => {
    story = await startStory([{ site: 'hq', viaProxy: true }, { site: 'hq' }, { site: 'branch' }]);
    ({ cloud, proxy } = story);
    [pc1, pc2, otherSite] = story.instances;
  });

  after(() => story.stop());

  it('a device created on instance 1 reaches instance 2, normalised', async () => {
    const created = await pc1.app.addDevice({ mac: 'AA-BB-CC-00-00-01', ip: '10.0.0.1', hostname: 'sw-core-01', location: 'rack 1' });
    assert.equal(created.mac, 'aa:bb:cc:00:00:01');
    await new Promise((resolve) => setTimeout(resolve, 20)); // synced a little after it was recorded
    const pushed = await pc1.sync();
    assert.equal(pushed.push?.applied, 1);
    await pc2.sync();
    const copy = await pc2.device(created.uuid);
    assert.deepEqual(copy, created, 'createdAt too: when it was recorded, not when the cloud received it');
  });

  it('an edit on instance 1 reaches instance 2', async () => {
    const [device] = await pc1.app.listDevices();
    await pc1.app.editDevice(device.uuid, { ip: '10.0.0.2' });
    await pc1.sync();
    await pc2.sync();
    assert.equal((await pc2.device(device.uuid)).ip, '10.0.0.2');
  });

  it('an edit made on the cloud side reaches both instances', async () => {
    const [device] = await pc1.app.listDevices();
    await changeCloudDevice(cloud.db, device.uuid, { patch: { notes: 'replaced PSU' } }, new Date().toISOString());
    await pc1.sync();
    await pc2.sync();
    assert.equal((await pc1.device(device.uuid)).notes, 'replaced PSU');
    assert.equal((await pc2.device(device.uuid)).notes, 'replaced PSU');
  });

  it('a cloud-side edit that changes nothing writes no version: nobody pulls it and a PC editing the device meanwhile gets no conflict', async () => {
    const [device] = await pc1.app.listDevices();
    await pc1.sync();
    await pc2.sync();
    const held = (await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === device.uuid)!;
    await pc1.app.editDevice(device.uuid, { notes: 'swapped the fan' });

    const later = new Date(Date.now() + 60_000).toISOString();
    const noFlags = {};
    const sameValues = { notes: held.notes, location: ` ${held.location} `, mac: held.mac!.toUpperCase() };
    for (const patch of [noFlags, sameValues]) {
      assert.deepEqual(await changeCloudDevice(cloud.db, device.uuid, { patch }, later), held, `answers the device as it is for ${JSON.stringify(patch)}`);
    }
    assert.deepEqual((await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === device.uuid), held, 'no new version, no new updatedAt');

    assert.equal((await pc2.sync()).pull?.received, 0);
    const pushed = await pc1.sync();
    assert.deepEqual([pushed.push?.applied, pushed.push?.conflicts], [1, 0]);
    assert.deepEqual(await pc1.app.listConflicts(), []);
    await pc2.sync();
    assert.equal((await pc2.device(device.uuid)).notes, 'swapped the fan');
  });

  it('another site sees nothing of this one', async () => {
    await otherSite.sync();
    assert.deepEqual(await otherSite.app.listDevices({ all: true }), []);
    assert.equal((await listCloudDevices(cloud.db, 'branch', true)).length, 0);
  });

  it('a delete on instance 1 travels as a stripped tombstone and deletes on instance 2', async () => {
    const [device] = await pc1.app.listDevices();
    proxy.pushBodies.length = 0;
    await pc1.app.deleteDevice(device.uuid);
    await pc1.sync();
    const body = proxy.pushBodies[0] as { changes: Record<string, unknown>[] };
    assert.equal(body.changes.length, 1);
    const change = body.changes[0];
    assert.deepEqual(Object.keys(change).sort(), ['baseVersion', 'deletedAt', 'fields', 'updatedAt', 'uuid']);
    assert.deepEqual(Object.keys(change.fields as object).sort(), ['assetTag', 'mac']);
    assert.equal((change.fields as { mac: string }).mac, 'aa:bb:cc:00:00:01');
    assert.ok(change.deletedAt);

    await pc2.sync();
    const tombstone = await pc2.device(device.uuid);
    assert.ok(tombstone.deletedAt);
    assert.equal(tombstone.mac, 'aa:bb:cc:00:00:01');
    assert.equal(tombstone.hostname, null);
    assert.equal(tombstone.ip, null);
    assert.deepEqual(await pc2.app.listDevices(), []);
  });

  it('a delete made on the cloud side reaches both instances', async () => {
    const device = await pc2.app.addDevice({ assetTag: 'A-1002', hostname: 'ap-lobby' });
    await pc2.sync();
    await pc1.sync();
    await changeCloudDevice(cloud.db, device.uuid, { delete: true }, new Date().toISOString());
    await pc1.sync();
    await pc2.sync();
    for (const pc of [pc1, pc2]) {
      const local = await pc.device(device.uuid);
      assert.ok(local.deletedAt, 'deleted');
      assert.equal(local.assetTag, 'A-1002');
      assert.equal(local.hostname, null);
    }
  });

  it('a synced instance has nothing pending and the cloud saw its push and pull', async () => {
    const status = await pc1.app.status();
    assert.equal(status.pendingChanges, 0);
    assert.equal(status.connection, 'online');
    assert.ok(status.cloud?.lastPushAt);
    assert.ok(status.cloud?.lastPullAt);
    assert.ok(status.lastPushAt && status.lastPullAt);
  });
});
