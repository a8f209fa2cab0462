import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { DEFAULT_TOMBSTONE_RETENTION_MS } from '../../src/cloud/tombstone-retention';
import type { Clock } from '../../src/domain/clock';
import { purgeAt, purgeEveryTombstone } from '../support/purge-runs';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';

const DAY = 86_400_000;
const RETENTION = DEFAULT_TOMBSTONE_RETENTION_MS;

/** The site's version marks, oldest first. */
async function marksOf(cloud: TestCloud, siteId: string): Promise<{ markedAt: string; version: number }[]> {
  const rows = (await cloud.db.read((r) =>
    r.query(`SELECT marked_at AS "markedAt", version FROM site_version_marks WHERE site_id = ${cloud.db.param(1)} ORDER BY marked_at`, [siteId]),
  )) as { markedAt: string; version: string | number }[];
  return rows.map((row) => ({ markedAt: row.markedAt, version: Number(row.version) }));
}

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
    const report = await purgeEveryTombstone(cloud.db);
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
      await purgeEveryTombstone(cloud.db);

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
      await purgeEveryTombstone(cloud.db);

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

describe('tombstone retention counts from when the cloud received the deletion, by the cloud\'s clock', () => {
  let cloud: TestCloud;
  const instances: TestInstance[] = [];
  /** An instance of site hq on this test's cloud, closed after the test; `clock` is the PC's clock, which decides nothing here. */
  const instance = async (clock?: Clock) => {
    const started = await startTestInstance(cloud, 'hq', { clock });
    instances.push(started);
    return started;
  };
  const atDate = (iso: string): Clock => () => new Date(iso);

  beforeEach(async () => {
    cloud = await startTestCloud();
  });

  afterEach(async () => {
    for (const started of instances.splice(0)) await started.close();
    await cloud.stop();
  });

  it('a deletion pushed today with a deletedAt years old is kept: the peer gets no 410, and its edit of the device becomes a delete conflict', async () => {
    const wrongClock = await instance(atDate('2020-01-01T00:00:00.000Z'));
    const peer = await instance();
    const first = await wrongClock.app.addDevice({ mac: '02:00:00:00:0e:01', hostname: 'first' });
    await wrongClock.app.addDevice({ mac: '02:00:00:00:0e:02', hostname: 'second' });
    await wrongClock.sync();
    await peer.sync();
    assert.equal((await peer.app.meta()).pullCursor, 2);
    await wrongClock.app.deleteDevice(first.uuid);
    await wrongClock.sync();
    const [tombstone] = (await listCloudDevices(cloud.db, 'hq', true)).filter((d) => d.uuid === first.uuid);
    assert.deepEqual([tombstone.version, tombstone.deletedAt], [3, '2020-01-01T00:00:00.000Z'], 'the PC\'s clock wrote deletedAt');
    await peer.app.editDevice(first.uuid, { location: 'still in use' });

    const now = Date.now();
    assert.equal((await purgeAt(cloud.db, now)).purged, 0, 'received today: kept, whatever deletedAt says');
    assert.equal((await purgeAt(cloud.db, now + RETENTION - DAY)).purged, 0, 'a day short of the retention by the cloud\'s clock: still kept');

    await peer.sync();
    assert.ok((await peer.app.log(2)).every((row) => !/410/.test(row.error ?? '')), 'no replacement sync');
    const [conflict] = await peer.app.listConflicts();
    assert.deepEqual([conflict?.deviceUuid, conflict?.kind], [first.uuid, 'delete'], 'the edit meets the deletion');
    assert.ok((await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === first.uuid)?.deletedAt, 'the edit did not bring the device back');
  });

  it('a tombstone the cloud held before a mark a retention old is purged, whatever deletedAt says: the peer gets 410 and its replacement sync deletes the device', async () => {
    // The office PC's clock runs two days ahead: its deletedAt is after the cutoff below, its deletion reached the cloud before it.
    const office = await instance(() => new Date(Date.now() + 2 * DAY));
    const peer = await instance();
    const goner = await office.app.addDevice({ mac: '02:00:00:00:0e:03', hostname: 'goner' });
    const kept = await office.app.addDevice({ mac: '02:00:00:00:0e:04', hostname: 'kept' });
    await office.sync();
    await peer.sync();
    await office.app.deleteDevice(goner.uuid);
    await office.sync();

    const marked = Date.now();
    assert.equal((await purgeAt(cloud.db, marked)).purged, 0, 'the first run only marks what the cloud holds');
    assert.equal((await purgeAt(cloud.db, marked + RETENTION - 60_000)).purged, 0, 'the mark is a minute short of the retention');
    const report = await purgeAt(cloud.db, marked + RETENTION);
    assert.deepEqual(report.sites, [{ siteId: 'hq', purged: 1, purgedVersion: 3 }]);
    assert.equal(report.cutoff, new Date(marked).toISOString());

    await peer.sync();
    const [replacement, expired] = await peer.app.log(2);
    assert.match(expired.error ?? '', /410/);
    assert.equal(replacement.status, 'ok');
    const live = new Set((await peer.app.listDevices()).map((d) => d.uuid));
    assert.deepEqual(live, new Set([kept.uuid]), 'deleted in the cloud, tombstone purged: deleted here too');
    assert.deepEqual(live, new Set((await listCloudDevices(cloud.db, 'hq', false)).map((d) => d.uuid)), 'the replica equals the cloud');
  });

  it('a deletedAt in the future does not keep a tombstone past the retention', async () => {
    const future = await instance(atDate('9999-01-01T00:00:00.000Z'));
    const device = await future.app.addDevice({ mac: '02:00:00:00:0e:05', hostname: 'from-the-future' });
    await future.sync();
    await future.app.deleteDevice(device.uuid);
    await future.sync();
    assert.equal((await listCloudDevices(cloud.db, 'hq', true))[0].deletedAt, '9999-01-01T00:00:00.000Z');

    const marked = Date.now();
    assert.equal((await purgeAt(cloud.db, marked)).purged, 0);
    assert.equal((await purgeAt(cloud.db, marked + RETENTION)).purged, 1);
    assert.deepEqual(await listCloudDevices(cloud.db, 'hq', true), []);
  });

  it('each run marks the site\'s latest version; a purge counts from the newest mark old enough and forgets the older ones', async () => {
    const office = await instance();
    const device = await office.app.addDevice({ mac: '02:00:00:00:0e:06', hostname: 'deleted-after-the-first-mark' });
    await office.sync();
    const t0 = Date.now();
    const iso = (at: number) => new Date(at).toISOString();
    await purgeAt(cloud.db, t0);
    await office.app.deleteDevice(device.uuid);
    await office.sync();
    await purgeAt(cloud.db, t0 + DAY);
    assert.deepEqual(await marksOf(cloud, 'hq'), [{ markedAt: iso(t0), version: 1 }, { markedAt: iso(t0 + DAY), version: 2 }]);

    assert.equal((await purgeAt(cloud.db, t0 + RETENTION + DAY / 2)).purged, 0, 'the mark a retention old was taken before the deletion came');
    assert.equal((await marksOf(cloud, 'hq')).length, 3, 'the oldest mark is the one used: none forgotten');

    assert.equal((await purgeAt(cloud.db, t0 + RETENTION + DAY)).purged, 1, 'the next mark was taken after it came');
    assert.deepEqual(await marksOf(cloud, 'hq'), [
      { markedAt: iso(t0 + DAY), version: 2 },
      { markedAt: iso(t0 + RETENTION + DAY / 2), version: 2 },
      { markedAt: iso(t0 + RETENTION + DAY), version: 2 },
    ]);
  });

  it('two runs at the same instant, as two processes might make them, mark once and purge each tombstone once', async () => {
    const office = await instance();
    const device = await office.app.addDevice({ mac: '02:00:00:00:0e:07', hostname: 'purged-by-two' });
    await office.sync();
    await office.app.deleteDevice(device.uuid);
    await office.sync();
    const marked = Date.now();
    const twice = async (at: number) => (await Promise.all([purgeAt(cloud.db, at), purgeAt(cloud.db, at)])).map((report) => report.purged);

    assert.deepEqual(await twice(marked), [0, 0]);
    assert.deepEqual(await marksOf(cloud, 'hq'), [{ markedAt: new Date(marked).toISOString(), version: 2 }]);
    assert.deepEqual((await twice(marked + RETENTION)).sort(), [0, 1]);
    assert.deepEqual(await listCloudDevices(cloud.db, 'hq', true), []);
  });
});
