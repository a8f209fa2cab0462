import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { CloudClient } from '../../src/sync/cloud-client';
import { startStory, type Story } from '../support/story';
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

    const retried = await pc.sync();
    assert.equal(retried.push?.applied, 1, 'the retry is answered applied (same values)');
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
