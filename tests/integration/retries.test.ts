import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { LocalApp } from '../../src/app/local-app';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { getRecord } from '../../src/db/local/device-store';
import { oldestOutboxBatch, putOutboxBatch } from '../../src/db/local/push-outbox';
import { CloudClient } from '../../src/sync/cloud-client';
import { pullOnce } from '../../src/sync/pull';
import { pushOnce } from '../../src/sync/push';
import type { SyncContext, SyncProgress } from '../../src/sync/sync-context';
import { FileTokenStore } from '../../src/app/token-store';
import { readMeta } from '../../src/db/local/meta-store';
import { systemClock } from '../../src/domain/clock';
import type { SyncFailure } from '../../src/sync/sync-failure';
import { startStory, type Story } from '../support/story';
import { tempDir } from '../support/temp-dir';
import type { TestCloud } from '../support/test-cloud';
import type { TestInstance } from '../support/test-instance';
import type { RecordingProxy } from '../support/recording-proxy';

describe('retries: a batch is applied once, however often it arrives', () => {
  let story: Story;
  let cloud: TestCloud;
  let proxy: RecordingProxy;
  let pc: TestInstance;
  let peer: TestInstance;

  before(async () => {
    story = await startStory([{ site: 'hq', viaProxy: true }, { site: 'hq' }]);
    ({ cloud, proxy } = story);
    [pc, peer] = story.instances;
  });

  after(() => story.stop());

  /** A device both PCs hold, synced. */
  async function sharedDevice(mac: string) {
    const device = await pc.app.addDevice({ mac, hostname: 'h0' });
    await pc.sync();
    await peer.sync();
    return device;
  }

  /** What pushOnce and pullOnce take, for this PC's data dir and cloud, as the app builds it for a run. */
  async function syncContextOf(instance: TestInstance): Promise<SyncContext> {
    const meta = await instance.app.db.read(readMeta);
    const client = new CloudClient({ baseUrl: meta.cloudUrl!, token: new FileTokenStore(instance.dataDir).read()!, retryDelaysMs: [] });
    return { db: instance.app.db, client, enrolmentId: meta.enrolmentId, clock: systemClock, trigger: 'manual' };
  }

  /**
   * A pull while this PC's lost batch is still in the outbox: what another process of the data dir does when
   * this one put the batch out after that process looked (a run of its own sends the outbox first).
   */
  async function pullBesideOutbox() {
    const pulled = await pullOnce(await syncContextOf(pc));
    assert.notEqual(pulled.status, 'error', pulled.error ?? '');
    assert.ok(await pc.app.db.read(oldestOutboxBatch), 'the lost batch is still out');
  }

  /** This PC's edit, whose push answer is lost (the batch waits in the outbox); then the peer's edit; then a pull beside the outbox. */
  async function lostAnswerThenPeerEdit(uuid: string, mine: object, theirs: object) {
    await pc.app.editDevice(uuid, mine);
    proxy.dropNextPushAnswers(1);
    assert.equal((await pc.app.sync()).push?.status, 'error');
    await peer.sync();
    await peer.app.editDevice(uuid, theirs);
    await peer.sync();
    await pullBesideOutbox();
  }

  it('a retried batch (same batchId) gets the stored answer and writes nothing more', async () => {
    const token = await cloud.enroll('hq');
    const client = new CloudClient({ baseUrl: cloud.url, token, retryDelaysMs: [] });
    const uuid = randomUUID();
    const now = new Date().toISOString();
    const change = { uuid, baseVersion: null, fields: { mac: 'aa:bb:cc:00:01:01', hostname: 'fw-1' }, deletedAt: null, updatedAt: now };
    const body = { batchId: randomUUID(), changes: [change] };
    const post = () =>
      fetch(`${cloud.url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-sitesync-protocol': '1', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<any>);
    const first = await post();
    const second = await post();
    assert.deepEqual(second, first);
    const page = await client.pull(0, 100);
    assert.equal(page.changes.filter((d) => d.uuid === uuid).length, 1);
    assert.equal(page.latestVersion, 1, 'one version allocated, not two');
  });

  it('a push whose answer is lost is applied once and the next sync settles it', async () => {
    const device = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:02', hostname: 'fw-2' });
    const versionBefore = (await listCloudDevices(cloud.db, 'hq', true)).length;
    proxy.dropNextPushAnswers(1);
    const lost = await pc.app.sync();
    assert.equal(lost.push?.status, 'error', 'the client saw the connection cut');
    assert.equal((await pc.app.status()).pendingChanges, 1, 'still pending on this PC');

    const progress: { done: number; total: number | null }[] = [];
    const retried = await pc.app.sync({ onProgress: (p) => p.phase === 'push' && progress.push(p) });
    assert.equal(retried.push?.status, 'ok');
    assert.equal(retried.push?.applied, 1, 'the retry is answered applied (same values)');
    assert.deepEqual(progress.at(-1), { phase: 'push', done: 1, total: 1 }, 'one change, sent once: the bar ends full');
    assert.equal(retried.push?.conflicts, 0);
    assert.deepEqual(await pc.app.listConflicts(), []);
    const cloudDevices = await listCloudDevices(cloud.db, 'hq', true);
    assert.equal(cloudDevices.length, versionBefore + 1);
    assert.equal(cloudDevices.filter((d) => d.uuid === device.uuid).length, 1);
    assert.equal((await pc.app.status()).pendingChanges, 0);

    await peer.sync();
    assert.equal((await peer.device(device.uuid)).hostname, 'fw-2');
  });

  it('an edit made after a lost answer is still pushed, on top of what the cloud has', async () => {
    const device = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:03' });
    await pc.sync();
    await pc.app.editDevice(device.uuid, { ip: '10.1.1.1' });
    proxy.dropNextPushAnswers(1);
    await pc.app.sync();
    await pc.app.editDevice(device.uuid, { hostname: 'after-the-cut' });
    await pc.sync();
    await peer.sync();
    const copy = await peer.device(device.uuid);
    assert.equal(copy.ip, '10.1.1.1');
    assert.equal(copy.hostname, 'after-the-cut');
    assert.deepEqual(await pc.app.listConflicts(), []);
  });

  it('the same field edited again after a lost answer: the lost batch goes again under its id first, so no conflict', async () => {
    const device = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:05', hostname: 'before' });
    await pc.sync();
    await pc.app.editDevice(device.uuid, { hostname: 'first' });
    proxy.pushBodies.length = 0;
    proxy.dropNextPushAnswers(1);
    assert.equal((await pc.app.sync()).push?.status, 'error');
    const lostBatch = (proxy.pushBodies[0] as { batchId: string }).batchId;

    await pc.app.editDevice(device.uuid, { hostname: 'second' });
    const outcome = await pc.sync();
    assert.equal(outcome.push?.conflicts, 0);
    assert.deepEqual(await pc.app.listConflicts(), []);
    const resent = proxy.pushBodies.slice(1) as { batchId: string; changes: { fields: { hostname?: string } }[] }[];
    assert.equal(resent[0].batchId, lostBatch, 'the lost batch is sent again under its own id, before anything new');
    assert.equal(resent[0].changes[0].fields.hostname, 'first', 'as it was sent');
    assert.equal(resent[1].changes[0].fields.hostname, 'second', 'then the new edit, on top of the version the first made');
    assert.equal((await pc.app.status()).pendingChanges, 0);
    const versions = (await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === device.uuid)!;
    assert.equal(versions.hostname, 'second');
    await peer.sync();
    assert.equal((await peer.device(device.uuid)).hostname, 'second');
  });

  it('a sync killed while its batch is at the cloud: the next run settles that batch, then pushes the new edit', async () => {
    const device = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:06', hostname: 'before' });
    await pc.sync();
    await pc.app.editDevice(device.uuid, { hostname: 'sent-then-killed' });
    const held = proxy.holdNext('/sync/push');
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/sync-child.ts', pc.dataDir, 'push'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await held.arrived;
    child.kill('SIGKILL');
    await exited;
    held.release(); // the cloud applies the batch; its answer reaches nobody

    await pc.app.editDevice(device.uuid, { hostname: 'after-restart' });
    const outcome = await pc.sync();
    assert.equal(outcome.push?.conflicts, 0);
    assert.deepEqual(await pc.app.listConflicts(), []);
    assert.equal((await pc.app.status()).pendingChanges, 0);
    await peer.sync();
    assert.equal((await peer.device(device.uuid)).hostname, 'after-restart');
  });

  it("a pull-only run after a lost answer first finishes that push: its echo of this PC's own edit is no conflict", async () => {
    const device = await sharedDevice('aa:bb:cc:00:01:0b');
    await pc.app.editDevice(device.uuid, { hostname: 'first' });
    proxy.dropNextPushAnswers(1);
    assert.equal((await pc.app.sync()).push?.status, 'error');
    await pc.app.editDevice(device.uuid, { hostname: 'second' });

    const outcome = await pc.app.sync({ direction: 'pull' });
    assert.deepEqual([outcome.push?.status, outcome.push?.sent, outcome.push?.applied], ['ok', 1, 1], 'the lost batch goes again, and nothing new');
    assert.equal(outcome.pull?.conflicts, 0);
    assert.deepEqual(await pc.app.listConflicts(), []);
    assert.equal((await pc.device(device.uuid)).hostname, 'second');
    assert.equal((await pc.app.status()).pendingChanges, 1, 'the newer edit waits for a push');
    assert.equal((await pc.app.sync({ direction: 'pull' })).push, undefined, 'with the outbox empty, a pull-only run pushes nothing');

    await pc.sync();
    assert.equal((await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === device.uuid)!.hostname, 'second');
  });

  it('pushOnce with lostOnly sends what the outbox holds and nothing new', async () => {
    const device = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:20', hostname: 'not-yet' });
    const pending = (await pc.app.status()).pendingChanges;
    proxy.pushBodies.length = 0;
    const summary = await pushOnce(await syncContextOf(pc), { lostOnly: true });
    assert.deepEqual([summary.status, summary.sent], ['ok', 0]);
    assert.deepEqual(proxy.pushBodies, [], 'no request at all');
    assert.equal((await pc.app.status()).pendingChanges, pending);
    assert.equal((await pushOnce(await syncContextOf(pc))).applied, pending, 'a push of its own sends it');
    assert.equal((await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === device.uuid)?.hostname, 'not-yet');
  });

  it("a lost batch sent again after a pull and a person's resolution does not undo the resolution", async () => {
    const device = await sharedDevice('aa:bb:cc:00:01:08');
    await lostAnswerThenPeerEdit(device.uuid, { hostname: 'pc-value' }, { hostname: 'peer-value' });
    const [conflict] = await pc.app.listConflicts();
    assert.ok(conflict, 'the pull meets the peer edit as a conflict');
    await pc.app.resolveConflict(conflict.id, { take: 'local' });

    const outcome = await pc.sync();
    assert.equal(outcome.push?.conflicts, 0);
    assert.deepEqual(await pc.app.listConflicts(), []);
    const inCloud = (await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === device.uuid)!;
    assert.equal(inCloud.hostname, 'pc-value', 'the value the person chose reaches the cloud');
    assert.equal((await pc.device(device.uuid)).hostname, 'pc-value');
  });

  it('an answer sent again after a pull moved the base on does not move it back (no conflict over nothing later)', async () => {
    const device = await sharedDevice('aa:bb:cc:00:01:09');
    await lostAnswerThenPeerEdit(device.uuid, { hostname: 'pc-value' }, { notes: 'peer note' });
    const pulledTo = (await pc.app.db.read((r) => getRecord(r, device.uuid)))!.baseVersion;
    await pc.sync();
    assert.ok((await pc.app.db.read((r) => getRecord(r, device.uuid)))!.baseVersion! >= pulledTo!, 'the base version never goes back');

    await pc.app.deleteDevice(device.uuid);
    await pc.sync();
    assert.deepEqual(await pc.app.listConflicts(), [], 'nobody changed the device since this PC last saw it');
    assert.notEqual((await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === device.uuid)!.deletedAt, null);
  });

  it('a conflict answer sent again from the outbox does not replace newer cloud values a pull put in the open conflict', async () => {
    const device = await sharedDevice('aa:bb:cc:00:01:0a');
    await peer.app.editDevice(device.uuid, { hostname: 'Y' });
    await peer.sync();
    // The cloud answers this PC's X with "conflict, current Y"; that answer is the one lost.
    await lostAnswerThenPeerEdit(device.uuid, { hostname: 'X' }, { hostname: 'Z' });
    const [open] = await pc.app.listConflicts();
    assert.equal(open.remote.hostname, 'Z');

    await pc.sync(); // sends the lost batch again: its stored answer carries Y, an older version
    const [still] = await pc.app.listConflicts();
    assert.deepEqual([still.remoteVersion, still.remote.hostname], [open.remoteVersion, 'Z'], 'the conflict keeps the newer cloud values');

    // Edited here to the older cloud value: the sides do not agree (the cloud holds Z), so it stays open.
    await pc.app.editDevice(device.uuid, { hostname: 'Y' });
    await pc.sync();
    const [afterEdit] = await pc.app.listConflicts();
    assert.ok(afterEdit, 'still open: this PC holds Y, the cloud Z');
    await pc.app.resolveConflict(afterEdit.id, { take: 'local' }, afterEdit.remoteVersion);
    await pc.sync();
    assert.equal((await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === device.uuid)!.hostname, 'Y', 'the value the person kept');
  });

  it('progress counts the lost batch apart from the newer edits that follow it', async () => {
    const devices = [];
    for (let i = 0; i < 3; i++) devices.push(await pc.app.addDevice({ mac: `aa:bb:cc:00:01:1${i}`, hostname: 'h0' }));
    await pc.sync();
    for (const d of devices) await pc.app.editDevice(d.uuid, { hostname: 'first' });
    proxy.dropNextPushAnswers(1);
    await pc.app.sync();
    for (const d of devices) await pc.app.editDevice(d.uuid, { hostname: 'second' });
    const progress: { done: number; total: number | null }[] = [];
    const outcome = await pc.app.sync({ onProgress: (p) => p.phase === 'push' && progress.push(p) });
    assert.deepEqual(progress, [{ phase: 'push', done: 3, total: 6 }, { phase: 'push', done: 6, total: 6 }]);
    assert.equal(outcome.push?.sent, 6, 'two changes of each device: the lost one, then the newer');
  });

  it('a lost batch the cloud refuses whole (400) leaves the outbox; its devices go again as they are now', async () => {
    const device = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:07', hostname: 'refused-batch' });
    // A batch as a build with other rules could have left behind: the cloud refuses its envelope (400).
    await pc.app.db.write((tx) =>
      putOutboxBatch(tx, { batchId: 'not-a-uuid', sent: [{ uuid: device.uuid, localSeq: 1, change: { uuid: device.uuid, baseVersion: null, fields: {}, deletedAt: null, updatedAt: 'x' } }] }),
    );
    const refused = await pc.app.sync();
    assert.equal(refused.push?.status, 'error');
    assert.match(refused.push?.error ?? '', /400/);
    assert.equal(await pc.app.db.read(oldestOutboxBatch), null, 'a refused batch is not sent again');
    await pc.sync();
    await peer.sync();
    assert.equal((await peer.device(device.uuid)).hostname, 'refused-batch');
  });

  it('changes the cloud fails on every time (500) are set aside after two tries; the rest, later edits and pulls go on', async () => {
    const shared = await sharedDevice('aa:bb:cc:00:01:21');
    const poison = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:0c', hostname: 'trips-the-cloud' });
    const fine = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:0d', hostname: 'fine-1' });
    const stuck = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:0e', hostname: 'trips-the-cloud-too' });
    const inCloud = async (uuid: string) => (await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === uuid)?.hostname;
    proxy.failPushesCarrying('trips-the-cloud');
    try {
      const first = await pc.app.sync();
      assert.deepEqual([first.push?.status, first.push?.applied, first.pull], ['error', 0, undefined], 'one 500 may be passing: the batch waits whole');
      assert.match(first.push!.error!, /cloud answered 500: internal server error/);

      await peer.app.editDevice(shared.uuid, { hostname: 'edited-by-the-peer' });
      await peer.sync();
      const second = await pc.app.sync();
      assert.deepEqual([second.push?.status, second.push?.applied, second.push?.rejected], ['partial', 1, 2], 'taken apart, the batch lets its good change through');
      assert.equal(second.pull?.status, 'ok', 'and this PC still hears from the others');
      assert.equal((await pc.device(shared.uuid)).hostname, 'edited-by-the-peer');
      assert.equal(await inCloud(fine.uuid), 'fine-1');
      const { rejected } = await pc.app.status();
      assert.deepEqual(rejected.map((r) => r.uuid).sort(), [poison.uuid, stuck.uuid].sort(), 'Diagnostics lists them');
      assert.match(rejected[0].reason, /^the cloud failed on this change every time \(cloud answered 500: internal server error\); it is sent again at each sync/);

      const later = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:0f', hostname: 'added-later' });
      proxy.pushBodies.length = 0;
      const third = await pc.app.sync();
      assert.deepEqual([third.push?.applied, third.push?.rejected], [1, 2], 'a later device is not held up; the two are tried once more');
      assert.equal(proxy.pushBodies.length, 3, 'one request each, nothing else');
      assert.equal(await inCloud(later.uuid), 'added-later');

      // The technician changes what trips the cloud: the new edit goes in place of the set-aside change.
      await pc.app.editDevice(poison.uuid, { hostname: 'renamed' });
      const renamed = await pc.app.sync();
      assert.deepEqual([renamed.push?.applied, renamed.push?.rejected], [1, 1]);
      assert.equal(await inCloud(poison.uuid), 'renamed');
    } finally {
      proxy.failPushesCarrying(null);
    }
    // The cloud is fixed, but the answer to the set-aside change is lost: it goes whole again, so an edit made
    // meanwhile meets no conflict with this PC's own value.
    proxy.dropNextPushAnswers(1);
    assert.equal((await pc.app.sync()).push?.status, 'error');
    assert.equal(await inCloud(stuck.uuid), 'trips-the-cloud-too');
    await pc.app.editDevice(stuck.uuid, { hostname: 'edited-after-the-fix' });
    const fixed = await pc.sync();
    assert.deepEqual([fixed.push?.status, fixed.push?.conflicts], ['ok', 0]);
    assert.equal(await inCloud(stuck.uuid), 'edited-after-the-fix');
    assert.equal(await pc.app.db.read((r) => oldestOutboxBatch(r)), null);
    assert.deepEqual((await pc.app.status()).rejected, []);
    assert.equal((await pc.app.status()).pendingChanges, 0);
    assert.deepEqual(await pc.app.listConflicts(), []);
  });

  it('ten changes the cloud fails on stop one sync, not every later one: the next sends each once, then the rest, then pulls', async () => {
    const shared = await sharedDevice('aa:bb:cc:00:01:23');
    for (let i = 0; i < 10; i++) await pc.app.addDevice({ mac: `aa:bb:cc:00:02:${10 + i}`, hostname: `breaks-the-cloud-${i}` });
    const good = await pc.app.addDevice({ mac: 'aa:bb:cc:00:02:30', hostname: 'good' });
    proxy.failPushesCarrying('breaks-the-cloud');
    try {
      await pc.app.sync();
      const stopped = await pc.app.sync();
      assert.equal(stopped.push?.status, 'error');
      assert.match(stopped.push!.error!, /^the cloud failed on 10 changes of this sync every time/);

      await peer.app.editDevice(shared.uuid, { hostname: 'peer-after-the-stop' });
      await peer.sync();
      const later = await pc.app.addDevice({ mac: 'aa:bb:cc:00:02:31', hostname: 'later' });
      const progress: SyncProgress[] = [];
      const next = await pc.app.sync({ onProgress: (p) => p.phase === 'push' && progress.push(p) });
      assert.deepEqual([next.push?.status, next.push?.applied, next.push?.rejected, next.pull?.status], ['partial', 2, 10, 'ok']);
      assert.equal((await pc.device(shared.uuid)).hostname, 'peer-after-the-stop');
      const inCloud = new Set((await listCloudDevices(cloud.db, 'hq', true)).map((d) => d.uuid));
      assert.ok(inCloud.has(good.uuid) && inCloud.has(later.uuid));
      const last = progress.at(-1)!;
      assert.equal(last.done, last.total, 'the bar ends full: the ten set aside count as done for this sync');
    } finally {
      proxy.failPushesCarrying(null);
    }
    assert.equal((await pc.sync()).push?.status, 'ok', 'the cloud fixed: they go through');
    assert.deepEqual((await pc.app.status()).rejected, []);
  });

  it("a set-aside change whose device a person settled with the cloud's values leaves the outbox", async () => {
    const device = await sharedDevice('aa:bb:cc:00:01:22');
    await pc.app.editDevice(device.uuid, { notes: 'trips-the-cloud' });
    proxy.failPushesCarrying('trips-the-cloud');
    try {
      await pc.app.sync();
      await peer.app.editDevice(device.uuid, { notes: 'typed on the peer' });
      await peer.sync();
      const setAside = await pc.app.sync();
      assert.deepEqual([setAside.push?.rejected, setAside.pull?.conflicts], [1, 1], 'set aside, and the pull meets the peer edit');
      const [conflict] = await pc.app.listConflicts();
      await pc.app.resolveConflict(conflict.id, { take: 'cloud' });
      proxy.pushBodies.length = 0;
      const settled = await pc.app.sync();
      assert.deepEqual([settled.push?.status, settled.push?.rejected], ['ok', 0]);
      assert.deepEqual(proxy.pushBodies, [], 'the change nobody wants any more is not sent again');
    } finally {
      proxy.failPushesCarrying(null);
    }
    assert.equal(await pc.app.db.read((r) => oldestOutboxBatch(r)), null);
    assert.equal((await pc.device(device.uuid)).notes, 'typed on the peer');
    assert.equal((await pc.app.status()).pendingChanges, 0);
  });

  it('a batch too large for one request body is sent in parts, all applied', async () => {
    proxy.pushBodies.length = 0;
    const longNotes = '€'.repeat(4000); // 12 KB in UTF-8: 400 devices outgrow one 4 MiB part
    for (let i = 0; i < 400; i++) await pc.app.addDevice({ assetTag: `BIG-${i}`, notes: longNotes });
    const outcome = await pc.sync();
    assert.equal(outcome.push?.applied, 400);
    assert.ok(proxy.pushBodies.length >= 2, `sent in ${proxy.pushBodies.length} requests`);
    for (const body of proxy.pushBodies) assert.ok(Buffer.byteLength(JSON.stringify(body)) < 8 * 1024 * 1024);
  });

  it('every attempt, failed ones included, is in the audit log', async () => {
    const log = await pc.app.log(100);
    assert.ok(log.some((row) => row.direction === 'push' && row.status === 'error' && row.error));
    assert.ok(log.some((row) => row.direction === 'push' && row.status === 'ok' && row.applied > 0));
    assert.ok(log.every((row) => row.startedAt <= row.finishedAt));
  });

  it('a cloud that takes the connection and never answers fails as timed out, saying so', async () => {
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const { port } = silent.address() as AddressInfo;
      const client = new CloudClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'sst_any', timeoutMs: 200, retryDelaysMs: [] });
      await assert.rejects(client.status(), (error: SyncFailure) => error.kind === 'offline' && /no answer within 0\.2 s \(timed out\)/.test(error.message));
    } finally {
      silent.close();
    }
  });

  it('a push that times out is not sent again at once (it waits in the outbox); a dropped connection is', async () => {
    const connections: string[] = [];
    // The first request of each connection: a push to 'silent' never hears back, one to 'reset' is cut.
    const cloudLike = createServer((socket) => {
      socket.once('data', (chunk) => {
        const path = /^POST (\S+)/.exec(chunk.toString())?.[1] ?? '';
        connections.push(path);
        if (path.startsWith('/reset')) socket.destroy();
      });
    }).listen(0, '127.0.0.1');
    await once(cloudLike, 'listening');
    try {
      const { port } = cloudLike.address() as AddressInfo;
      const client = (prefix: string) => new CloudClient({ baseUrl: `http://127.0.0.1:${port}/${prefix}`, token: 'sst_any', timeoutMs: 200, retryDelaysMs: [10, 10] });
      await assert.rejects(client('silent').push([]), /timed out/);
      await assert.rejects(client('reset').push([]), /cloud unreachable: ECONNRESET/);
      assert.deepEqual(connections, ['/silent/api/v1/sync/push', ...Array(3).fill('/reset/api/v1/sync/push')], 'one try when no answer came in time; three when the connection was cut');
    } finally {
      cloudLike.close();
    }
  });

  it("a cloud whose TLS certificate this PC does not trust is named as such, at enrolment too; its CA in the data dir's ca.pem is trusted", async (t) => {
    const certs = tempDir('sitesync-tls-');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certs.path, 'key.pem'), '-out', join(certs.path, 'cert.pem')], { stdio: 'ignore' });
    if (made.status !== 0) {
      certs.remove();
      const reason = 'openssl is not installed here to make a self-signed certificate (.ci/run installs it)';
      console.log(`skipped: ${reason}`);
      return t.skip(reason);
    }
    const server = createHttpsServer({ key: readFileSync(join(certs.path, 'key.pem')), cert: readFileSync(join(certs.path, 'cert.pem')) }, (_q, r) => r.end('{}')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const app = await LocalApp.open({ dataDir: join(certs.path, 'pc') });
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new CloudClient({ baseUrl: url, token: 'sst_any', retryDelaysMs: [] });
      await assert.rejects(client.status(), /cloud unreachable: its TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
      const caFile = join(certs.path, 'pc', 'ca.pem');
      await assert.rejects(app.init(url, 'sst_0123456789abcdef0123'), (error: Error) =>
        /^ValidationError: cloud: expected a cloud whose certificate this PC trusts: the one at https:\/\/127\.0\.0\.1:\d+ answered/.test(String(error)) && error.message.includes(`put its CA certificate (PEM) in ${caFile}`),
      );
      // The company's CA, where the message says: the TLS check passes (this stand-in then fails as no SiteSync cloud).
      writeFileSync(caFile, readFileSync(join(certs.path, 'cert.pem')));
      await assert.rejects(app.init(url, 'sst_0123456789abcdef0123'), /^ValidationError: cloud: expected a SiteSync cloud at https:\/\/127\.0\.0\.1:\d+: what answers there does not speak SiteSync's protocol$/);
    } finally {
      await app.close();
      server.close();
      certs.remove();
    }
  });

  it('a cloud that is down is logged as an offline failure and nothing local is lost', async () => {
    const device = await pc.app.addDevice({ mac: 'aa:bb:cc:00:01:04' });
    await cloud.pause();
    try {
      const outcome = await pc.app.sync();
      assert.equal(outcome.failure, 'offline');
      assert.equal((await pc.app.status()).connection, 'offline');
    } finally {
      await cloud.resume();
    }
    await pc.sync();
    await peer.sync();
    assert.equal((await peer.device(device.uuid)).mac, 'aa:bb:cc:00:01:04');
  });
});
