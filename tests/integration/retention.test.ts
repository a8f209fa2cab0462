import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { purgeTombstones } from '../../src/cloud/tombstone-retention';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';

/** Purges every tombstone there is: a cutoff in the future stands in for 180 days passing. */
const purgeAll = (cloud: TestCloud) => purgeTombstones(cloud.db, new Date(Date.now() + 86_400_000).toISOString());

describe('tombstone retention: 410 and the replacement sync', () => {
  let cloud: TestCloud;
  let office: TestInstance;
  let shelved: TestInstance;
  const uuids: Record<string, string> = {};

  before(async () => {
    cloud = await startTestCloud();
    office = await startTestInstance(cloud, 'hq');
    shelved = await startTestInstance(cloud, 'hq');
    for (const [name, mac] of [['kept', '02:00:00:00:0b:01'], ['deleted', '02:00:00:00:0b:02'], ['editedHere', '02:00:00:00:0b:03'], ['deletedThereEditedHere', '02:00:00:00:0b:04']]) {
      uuids[name] = (await office.app.addDevice({ mac, hostname: name })).uuid;
    }
    await office.sync();
    await shelved.sync();
    assert.equal((await shelved.app.listDevices()).length, 4);
  });

  after(async () => {
    await office.close();
    await shelved.close();
    await cloud.stop();
  });

  it('a pull from before the purge horizon gets 410; an initial pull from 0 does not', async () => {
    await office.app.deleteDevice(uuids.deleted);
    await office.app.deleteDevice(uuids.deletedThereEditedHere);
    await office.sync();
    const report = await purgeAll(cloud);
    assert.equal(report.purged, 2);
    assert.equal((await listCloudDevices(cloud.db, 'hq', true)).length, 2, 'the tombstones are gone');

    const token = await cloud.enroll('hq');
    const pull = (since: number) => fetch(`${cloud.url}/api/v1/sync/pull?since=${since}`, { headers: { authorization: `Bearer ${token}`, 'x-sitesync-protocol': '1' } });
    const expired = await pull(1);
    assert.equal(expired.status, 410);
    const body = (await expired.json()) as any;
    assert.equal(body.error.code, 'cursor_expired');
    assert.match(body.error.message, /replacement sync/);
    assert.equal((await pull(0)).status, 200);
    assert.equal((await pull(report.sites[0].purgedVersion)).status, 200, 'a cursor at the horizon saw every purged tombstone');
  });

  it('the shelved instance replaces its copy, keeping its unpushed changes, and nothing is lost', async () => {
    await shelved.app.editDevice(uuids.editedHere, { location: 'rack 9' });
    await shelved.app.editDevice(uuids.deletedThereEditedHere, { location: 'still in use' });
    const added = await shelved.app.addDevice({ mac: '02:00:00:00:0b:05', hostname: 'added-offline' });

    // Pull only: the unpushed changes must survive the replacement itself, not just be pushed first.
    const outcome = await shelved.app.sync({ direction: 'pull' });
    assert.equal(outcome.pull?.status, 'ok', outcome.pull?.error ?? '');
    const log = await shelved.app.log(2);
    assert.deepEqual(log.map((row) => [row.direction, row.status]), [['pull', 'ok'], ['pull', 'error']]);
    assert.match(log[1].error!, /410/);

    const live = new Map((await shelved.app.listDevices()).map((d) => [d.uuid, d]));
    assert.ok(!live.has(uuids.deleted), 'deleted in the cloud, tombstone purged: deleted here too');
    assert.equal(live.get(uuids.kept)?.hostname, 'kept');
    assert.equal(live.get(uuids.editedHere)?.location, 'rack 9', 'unpushed edit kept');
    assert.equal(live.get(uuids.deletedThereEditedHere)?.location, 'still in use', 'an unpushed edit of a purged device is kept, not lost silently');
    assert.ok(live.has(added.uuid), 'unpushed new device kept');
    assert.equal((await shelved.app.status()).pendingChanges, 3);

    await shelved.sync();
    await office.sync();
    const cloudDevices = await listCloudDevices(cloud.db, 'hq', false);
    assert.deepEqual(new Set(cloudDevices.map((d) => d.uuid)), new Set([uuids.kept, uuids.editedHere, uuids.deletedThereEditedHere, added.uuid]));
    assert.deepEqual(new Set((await office.app.listDevices()).map((d) => d.uuid)), new Set(cloudDevices.map((d) => d.uuid)), 'the replicas agree');
    assert.equal((await shelved.sync()).pull?.status, 'ok', 'the next pull is an ordinary one');
  });
  it('a replacement deletes a device whose deletion was the site\'s latest change, tombstone purged', async () => {
    const late = await startTestInstance(cloud, 'hq');
    try {
      const goner = await office.app.addDevice({ mac: '02:00:00:00:0b:06', hostname: 'retired-while-away' });
      await office.sync();
      await late.sync();
      assert.ok(await late.app.getDevice(goner.uuid));
      // Nothing changes after this deletion: no remaining record carries a version as high as the goner's.
      await office.app.deleteDevice(goner.uuid);
      await office.sync();
      await purgeAll(cloud);

      await late.sync();
      const [replacement, expired] = await late.app.log(2);
      assert.match(expired.error ?? '', /410/);
      assert.equal(replacement.status, 'ok');
      const live = new Set((await late.app.listDevices()).map((d) => d.uuid));
      assert.ok(!live.has(goner.uuid), 'deleted in the cloud, tombstone purged: deleted here too');
      assert.deepEqual(live, new Set((await listCloudDevices(cloud.db, 'hq', false)).map((d) => d.uuid)), 'the replica equals the cloud');
    } finally {
      await late.close();
    }
  });
  it('an instance enrolled again at another address of the same cloud keeps its cursor, so a deletion purged meanwhile still reaches it', async () => {
    const moved = await startTestInstance(cloud, 'hq');
    try {
      const goner = await office.app.addDevice({ mac: '02:00:00:00:0b:07', hostname: 'retired-during-the-move' });
      await office.sync();
      await moved.sync();
      const { pullCursor, cloudId } = await moved.app.meta();
      assert.ok(cloudId, 'the cloud told its id at enrolment');
      await office.app.deleteDevice(goner.uuid);
      await office.sync();
      await purgeAll(cloud);

      // The same server under another name (a new DNS name, a proxy): only the address differs.
      const otherAddress = cloud.url.replace('127.0.0.1', 'localhost');
      assert.notEqual(otherAddress, cloud.url);
      await moved.app.init(otherAddress, await cloud.enroll('hq'));
      assert.deepEqual(await moved.app.meta().then((m) => [m.cloudUrl, m.cloudId, m.pullCursor]), [otherAddress, cloudId, pullCursor], 'the same cloud: the cursor stays');

      await moved.sync();
      const [replacement, expired] = await moved.app.log(2);
      assert.match(expired.error ?? '', /410/);
      assert.equal(replacement.status, 'ok');
      assert.ok(!(await moved.app.listDevices()).some((d) => d.uuid === goner.uuid), 'deleted in the cloud, tombstone purged: deleted here too');
    } finally {
      await moved.close();
    }
  });

  it('a data dir enrolled with another cloud holding the same site id starts from 0 there and keeps its devices', async () => {
    const other = await startTestCloud();
    const moved = await startTestInstance(cloud, 'hq');
    try {
      await moved.sync();
      const before = (await moved.app.listDevices()).map((d) => d.uuid).sort();
      assert.ok(before.length > 0);
      const first = await moved.app.meta();

      await moved.app.init(other.url, await other.enroll('hq'));
      const after = await moved.app.meta();
      assert.notEqual(after.cloudId, first.cloudId, 'two clouds, two ids');
      assert.equal(after.pullCursor, 0, 'versions of another cloud mean nothing here');
      await moved.sync();
      assert.deepEqual((await moved.app.listDevices()).map((d) => d.uuid).sort(), before, 'nothing deleted for being absent from a cloud it never came from');
    } finally {
      await moved.close();
      await other.stop();
    }
  });
});
