import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { DesktopSession } from '../../src/app/desktop-session';
import { LocalApp } from '../../src/app/local-app';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { readCloudId } from '../../src/cloud/cloud-identity';
import { writeMeta } from '../../src/db/local/meta-store';
import { oldestOutboxBatch } from '../../src/db/local/push-outbox';
import type { Device } from '../../src/domain/device';
import { serialize } from '../../src/domain/serialize';
import { CloudClient } from '../../src/sync/cloud-client';
import { RecordingProxy } from '../support/recording-proxy';
import { tempDir } from '../support/temp-dir';
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
      assert.equal((await instance.app.status()).pendingChanges, 0, 'the same cloud: nothing is sent again');
    }));

  it('without an id on either side the address decides, as before ids', () =>
    withSyncedInstance(async (cloud, instance) => {
      await instance.app.db.write((tx) => writeMeta(tx, { cloudId: null }));
      await instance.app.init(cloud.url, await cloud.enroll('hq'));
      assert.equal((await instance.app.meta()).pullCursor, 3, 'same address: kept');
      assert.equal((await instance.app.status()).pendingChanges, 0, 'same address: nothing sent again');
      await instance.app.db.write((tx) => writeMeta(tx, { cloudId: null }));
      await instance.app.init(cloud.url.replace('127.0.0.1', 'localhost'), await cloud.enroll('hq'));
      assert.equal((await instance.app.meta()).pullCursor, 0, 'another address, nothing to tell it is the same cloud: from 0');
      assert.equal((await instance.app.status()).pendingChanges, 3, 'and every device is offered to it again');
      await instance.sync();
      assert.equal((await instance.app.status()).pendingChanges, 0, 'it was the same cloud after all: each device it already holds is answered applied');
    }));

  it('a cursor past the cloud\'s newest version (a cloud restored from an older backup) starts again at 0, and the devices it lost are sent again', () =>
    withSyncedInstance(async (cloud, instance) => {
      await cloud.pause();
      await cloud.db.execute('DELETE FROM devices WHERE version > 1', []);
      await cloud.db.execute('UPDATE sites SET last_version = 1', []);
      await cloud.resume();
      await instance.app.init(cloud.url, await cloud.enroll('hq'));
      assert.equal((await instance.app.meta()).pullCursor, 0, 'versions 2 and 3 will be handed out again and must be pulled');
      await instance.sync();
      assert.deepEqual(await liveUuids(cloud), await liveUuids(instance.app), 'the two devices the backup did not have are in the cloud again');
      assert.equal((await instance.app.status()).pendingChanges, 0);
    }));

  it('a field cleared here before the data dir forgot its base is disputed, not lost to the cloud\'s value', () =>
    withSyncedInstance(async (cloud, instance) => {
      const [first] = (await instance.app.listDevices()).filter((d) => d.hostname === 'pc-0');
      await instance.app.editDevice(first.uuid, { hostname: '' });
      // Restored from the backup taken after the first device: the cursor is past the cloud's newest version.
      await cloud.pause();
      await cloud.db.execute('DELETE FROM devices WHERE version > 1', []);
      await cloud.db.execute('UPDATE sites SET last_version = 1', []);
      await cloud.resume();
      await instance.app.init(cloud.url, await cloud.enroll('hq'));
      await instance.sync();

      const conflicts = await instance.app.listConflicts();
      assert.deepEqual(conflicts.map((c) => [c.deviceUuid, c.fields]), [[first.uuid, ['hostname']]], 'without a base, which side cleared it is unknown: a person decides');
      assert.equal((await instance.device(first.uuid)).hostname, null, 'the clear waits in the conflict');
      await instance.app.resolveConflict(conflicts[0].id, { take: 'local' });
      await instance.sync();
      const [inCloud] = (await listCloudDevices(cloud.db, 'hq', false)).filter((d) => d.uuid === first.uuid);
      assert.equal(inCloud.hostname, null);
    }));
});

/** A cloud whose site `hq` holds `count` devices made by an office PC, with asset tags `${prefix}-0`, `${prefix}-1`, ... */
async function cloudWithDevices(count: number, prefix: string): Promise<TestCloud> {
  const cloud = await startTestCloud();
  const office = await startTestInstance(cloud, 'hq', { name: 'office' });
  for (let i = 0; i < count; i++) await office.app.addDevice({ assetTag: `${prefix}-${i}` });
  await office.sync();
  await office.close();
  return cloud;
}

async function liveUuids(source: LocalApp | TestCloud): Promise<string[]> {
  const devices = source instanceof LocalApp ? await source.listDevices() : await listCloudDevices(source.db, 'hq', false);
  return devices.map((d) => d.uuid).sort();
}

/**
 * A sync under way while the data dir is enrolled with another cloud
 * (decision 42): nothing the old cloud answers lands in the new enrolment,
 * and every device goes to the new cloud. The proxy holds a request of the
 * old cloud while the enrolment changes, so the race is the same every run.
 */
describe('enrolling with another cloud while a sync is under way', () => {
  interface TwoClouds {
    old: TestCloud;
    /** In front of the old cloud: the data dir is enrolled through it, so a test can hold a request. */
    proxy: RecordingProxy;
    next: TestCloud;
    dataDir: string;
    /** The data dir enrolled with the old cloud (through the proxy), with pages of 50 so its pull takes three. */
    openEnrolled(): Promise<LocalApp>;
  }

  async function withTwoClouds(work: (clouds: TwoClouds) => Promise<void>) {
    const old = await cloudWithDevices(120, 'OLD');
    const next = await cloudWithDevices(5, 'NEW');
    const proxy = new RecordingProxy(old.url);
    await proxy.start();
    const dir = tempDir('sitesync-reenrol-');
    const opened: LocalApp[] = [];
    const openEnrolled = async () => {
      const app = await LocalApp.open({ dataDir: dir.path, pullPageSize: 50, retryDelaysMs: [] });
      opened.push(app);
      await app.init(proxy.url, await old.enroll('hq'));
      return app;
    };
    try {
      await work({ old, proxy, next, dataDir: dir.path, openEnrolled });
    } finally {
      for (const app of opened) await app.close();
      dir.remove();
      await proxy.stop();
      await old.stop();
      await next.stop();
    }
  }

  it('a pull page the old cloud answers after the enrolment is not written, so the new cloud is pulled from 0', () =>
    withTwoClouds(async ({ proxy, next, openEnrolled }) => {
      const app = await openEnrolled();
      const held = proxy.holdNext('/sync/pull?since=50&');
      const running = app.sync({ trigger: 'schedule' });
      await held.arrived;
      assert.equal((await app.meta()).pullCursor, 50, 'mid-pull: the first page is in');
      await app.init(next.url, await next.enroll('hq'));
      held.release();

      const raced = await running;
      assert.equal((await app.meta()).pullCursor, 0, "the new cloud's cursor is where the enrolment put it");
      assert.equal(raced.pull?.status, 'error');
      assert.match(raced.pull?.error ?? '', /enrolled again while the sync ran/);
      assert.match((await app.log(1))[0].error ?? '', /enrolled again/, "the attempt's log row says why it stopped");

      const outcome = await app.sync();
      assert.equal(outcome.failure, undefined);
      const fromNewCloud = (await app.listDevices()).filter((d) => d.assetTag?.startsWith('NEW-'));
      assert.equal(fromNewCloud.length, 5, "the new cloud's versions 1-5 were pulled");
      assert.deepEqual(await liveUuids(app), await liveUuids(next), 'the replica equals the new cloud, which now has the 50 devices pulled from the old one');
      assert.equal((await app.status()).pendingChanges, 0);
    }));

  it('a pull page is not written over a cursor moved back meanwhile, so no version is skipped', () =>
    withTwoClouds(async ({ proxy, openEnrolled }) => {
      const app = await openEnrolled();
      const held = proxy.holdNext('/sync/pull?since=50&');
      const running = app.sync();
      await held.arrived;
      // What `sitesync init` of a build before decision 42 does beside the app: a new cursor, no new enrolment id.
      await app.db.write((tx) => writeMeta(tx, { pullCursor: 0 }));
      held.release();

      const raced = await running;
      assert.equal((await app.meta()).pullCursor, 0, 'the cursor stays where it was moved');
      assert.match(raced.pull?.error ?? '', /the pull cursor moved back from 50 to 0 while this pull ran/);
      await app.sync();
      assert.equal((await app.meta()).pullCursor, 120);
    }));

  it('a pull that another pull of the data dir overtook ends without writing or failing', () =>
    withTwoClouds(async ({ proxy, dataDir, openEnrolled }) => {
      const app = await openEnrolled();
      const held = proxy.holdNext('/sync/pull?since=50&');
      const running = app.sync({ direction: 'pull' });
      await held.arrived;
      // The CLI beside the app: a second process on the same data dir pulls to the end meanwhile.
      const beside = await LocalApp.open({ dataDir, pullPageSize: 50, retryDelaysMs: [] });
      try {
        assert.equal((await beside.sync({ direction: 'pull' })).pull?.status, 'ok');
      } finally {
        await beside.close();
      }
      assert.equal((await app.meta()).pullCursor, 120);
      held.release();

      const overtaken = await running;
      assert.equal(overtaken.pull?.status, 'ok');
      assert.equal(overtaken.failure, undefined);
      assert.equal((await app.meta()).pullCursor, 120, 'the cursor did not move back');
    }));

  it('a push the old cloud answers after the enrolment marks nothing pushed, so the devices go to the new cloud', () =>
    withTwoClouds(async ({ proxy, next, openEnrolled }) => {
      const app = await openEnrolled();
      const made: string[] = [];
      for (let i = 0; i < 3; i++) made.push((await app.addDevice({ assetTag: `HERE-${i}` })).uuid);
      const held = proxy.holdNext('/sync/push');
      const running = app.sync();
      await held.arrived;
      await app.init(next.url, await next.enroll('hq'));
      held.release();

      const raced = await running;
      assert.equal((await app.status()).pendingChanges, 3, "the old cloud's answer marked nothing pushed");
      assert.equal(raced.push?.status, 'error');
      assert.match(raced.push?.error ?? '', /enrolled again while the sync ran/);
      assert.equal(raced.pull, undefined, 'no pull follows a push that stopped');
      assert.equal(await app.db.read(oldestOutboxBatch), null, 'the batch sent to the old cloud is not sent to the new one');

      await app.sync();
      const inNewCloud = new Set(await liveUuids(next));
      assert.deepEqual(made.filter((uuid) => inNewCloud.has(uuid)), made, 'each device made here reached the new cloud');
      assert.deepEqual(await liveUuids(app), [...inNewCloud].sort());
    }));

  // With a bound: a stop that waited for the held request would wait forever.
  it('Enrol in the desktop app does not wait for the old cloud\'s answer, then syncs every device with the new cloud', { timeout: 30_000 }, () =>
    withTwoClouds(async ({ old, proxy, next, dataDir, openEnrolled }) => {
      await (await openEnrolled()).close();
      const held = proxy.holdNext('/sync/pull?since=0&');
      const session = await DesktopSession.open({ dataDir });
      try {
        await held.arrived;
        // The old cloud never answers while the enrolment runs: stopping the workers cancels its request.
        await session.enrol(next.url, await next.enroll('hq'));
        held.release();
        // Joins the workers' single flight: resolves once the run the enrolment started and one more are over.
        await session.syncNow();

        const attempts = await session.app.log();
        assert.deepEqual(
          attempts.filter((a) => a.status === 'error').map((a) => a.error),
          ['stopped before the cloud answered: the sync was stopped'],
          "only the old enrolment's pull, cut short, failed",
        );
        assert.equal((await session.app.meta()).cloudUrl, next.url);
        assert.equal((await liveUuids(next)).length, 5, 'the pull cut short wrote nothing of the old cloud here, so nothing of it went on');
        assert.deepEqual(await liveUuids(session.app), await liveUuids(next));
        assert.equal((await listCloudDevices(old.db, 'hq', false)).length, 120, 'the old cloud got nothing from this PC');
      } finally {
        await session.close();
      }
    }));
});

describe('a data dir enrolled with another cloud offers it every device', () => {
  it('sends what the old cloud already had; a uuid the new cloud holds converges when equal and opens a conflict when not', async () => {
    const oldCloud = await cloudWithDevices(1, 'OLD');
    const newCloud = await startTestCloud();
    const pc = await startTestInstance(oldCloud, 'hq');
    try {
      const onlyHere = await pc.app.addDevice({ assetTag: 'ONLY-HERE', hostname: 'only-here' });
      const same = await pc.app.addDevice({ assetTag: 'SAME', hostname: 'same-on-both' });
      const differs = await pc.app.addDevice({ assetTag: 'DIFFERS', hostname: 'named-here' });
      await pc.sync();
      const [pulled] = (await pc.app.listDevices()).filter((d) => d.assetTag === 'OLD-0');
      assert.ok(pulled, 'a device this PC only ever pulled from the old cloud');

      // The new cloud already holds two of the uuids, at versions 1 and 2: no higher than the ones the old cloud gave them here.
      const seeder = new CloudClient({ baseUrl: newCloud.url, token: await newCloud.enroll('hq') });
      const inNewCloud = (device: Device) => serialize(device, null);
      await seeder.push([inNewCloud({ ...(await pc.device(differs.uuid)), hostname: 'named-in-new-cloud' })]);
      await seeder.push([inNewCloud(await pc.device(same.uuid))]);
      const branch = await startTestInstance(newCloud, 'hq', { name: 'branch' });
      for (let i = 0; i < 3; i++) await branch.app.addDevice({ assetTag: `NEW-${i}` });
      await branch.sync();
      await branch.close();

      await pc.app.init(newCloud.url, await newCloud.enroll('hq'));
      assert.equal((await pc.app.status()).pendingChanges, 4, 'every device, the pulled one too, is a change the new cloud has not seen');
      await pc.sync();

      const cloudDevices = new Map((await listCloudDevices(newCloud.db, 'hq', false)).map((d) => [d.uuid, d]));
      assert.equal(cloudDevices.get(onlyHere.uuid)?.hostname, 'only-here', 'created in the new cloud');
      assert.equal(cloudDevices.get(pulled.uuid)?.assetTag, 'OLD-0', 'created in the new cloud, though this PC never edited it');
      assert.equal(cloudDevices.get(same.uuid)?.hostname, 'same-on-both', 'equal on both: converged');

      const conflicts = await pc.app.listConflicts();
      assert.deepEqual(conflicts.map((c) => [c.deviceUuid, c.kind, c.fields]), [[differs.uuid, 'update', ['hostname']]], 'different on both: a person decides');
      assert.equal(conflicts[0].local.hostname, 'named-here');
      assert.equal(conflicts[0].remote.hostname, 'named-in-new-cloud');
      assert.equal((await pc.device(differs.uuid)).hostname, 'named-here', 'the local value waits in the conflict, untouched');
      assert.equal(cloudDevices.get(differs.uuid)?.hostname, 'named-in-new-cloud', 'and nothing was overwritten in the cloud');

      assert.deepEqual(await liveUuids(pc.app), [...cloudDevices.keys()].sort(), 'the new cloud\'s own devices were pulled');
      assert.equal((await pc.app.status()).pendingChanges, 1, 'only the device held by its conflict is still to be sent');
    } finally {
      await pc.close();
      await oldCloud.stop();
      await newCloud.stop();
    }
  });

  it('a device the new cloud refuses as a duplicate is held and listed, not sent again at every sync', async () => {
    const oldCloud = await startTestCloud();
    const newCloud = await startTestCloud();
    const pc = await startTestInstance(oldCloud, 'hq');
    const neighbour = await startTestInstance(newCloud, 'hq', { name: 'neighbour' });
    try {
      const mine = await pc.app.addDevice({ mac: '02:00:00:0f:00:01', hostname: 'mine' });
      await pc.sync();
      await neighbour.app.addDevice({ mac: '02:00:00:0f:00:01', hostname: 'recorded-there-first' });
      await neighbour.sync();

      await pc.app.init(newCloud.url, await newCloud.enroll('hq'));
      const first = await pc.app.sync();
      assert.equal(first.push?.rejected, 1);
      assert.deepEqual((await pc.app.status()).rejected.map((r) => r.uuid), [mine.uuid], 'Diagnostics lists it');
      const second = await pc.app.sync();
      assert.deepEqual([second.push?.sent, second.push?.rejected], [0, 0], 'held until it changes');
    } finally {
      await pc.close();
      await neighbour.close();
      await oldCloud.stop();
      await newCloud.stop();
    }
  });

  it('a conflict open against the old cloud closes keeping this PC\'s values, which reach the new cloud', async () => {
    const oldCloud = await startTestCloud();
    const newCloud = await startTestCloud();
    const pc = await startTestInstance(oldCloud, 'hq');
    const peer = await startTestInstance(oldCloud, 'hq', { name: 'peer' });
    try {
      const device = await pc.app.addDevice({ assetTag: 'DISPUTED', hostname: 'first' });
      await pc.sync();
      await peer.sync();
      await peer.app.editDevice(device.uuid, { hostname: 'named-by-peer' });
      await peer.sync();
      await pc.app.editDevice(device.uuid, { hostname: 'named-here' });
      await pc.sync();
      const [conflict] = await pc.app.listConflicts();
      assert.ok(conflict, 'a conflict with the old cloud is open');

      await pc.app.init(newCloud.url, await newCloud.enroll('hq'));
      assert.deepEqual(await pc.app.listConflicts(), [], 'nothing to decide against a cloud this PC left');
      const [closed] = await pc.app.listConflicts({ all: true });
      assert.equal(closed.resolution?.take, 'local');
      assert.match(closed.resolution?.resolvedBy ?? '', /enrolled with another cloud/);

      await pc.sync();
      const [inNewCloud] = await listCloudDevices(newCloud.db, 'hq', false);
      assert.equal(inNewCloud?.hostname, 'named-here', "this PC's values reached the new cloud");
      assert.equal((await pc.app.status()).pendingChanges, 0);
    } finally {
      await pc.close();
      await peer.close();
      await oldCloud.stop();
      await newCloud.stop();
    }
  });
});
