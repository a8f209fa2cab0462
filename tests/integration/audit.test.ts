import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertDevices, upsertSyncStates } from '../../src/db/local/device-store';
import { emptyFields } from '../../src/domain/device';
import { CloudSyncLogEntity } from '../../src/db/cloud/entities/cloud-sync-log.entity';
import { ConnectedSiteEntity, type ConnectedSite } from '../../src/db/cloud/entities/connected-site.entity';
import { logSyncAttempt } from '../../src/sync/sync-log';
import { startStory, type Story } from '../support/story';
import type { TestInstance } from '../support/test-instance';
import type { RecordingProxy } from '../support/recording-proxy';

describe('the audit log of sync attempts', () => {
  let story: Story;
  let proxy: RecordingProxy;
  let pc1: TestInstance;
  let pc2: TestInstance;

  before(async () => {
    story = await startStory([{ site: 'hq', viaProxy: true }, { site: 'hq' }]);
    ({ proxy } = story);
    [pc1, pc2] = story.instances;
  });

  after(() => story.stop());

  it('a record missing a required sync field is not sent, is counted as skipped, and stays pending', async () => {
    // A row as an old import could have left it: no MAC and no asset tag.
    const now = new Date().toISOString();
    const orphan = { uuid: '7d1c1e1a-0000-4000-8000-000000000001', siteId: 'hq', ...emptyFields(), hostname: 'no-identity', createdAt: now, updatedAt: now, deletedAt: null };
    await pc1.app.db.write(async (tx) => {
      await upsertDevices(tx, [{ device: orphan, localSeq: 1000, pushedSeq: 0 }]);
      await upsertSyncStates(tx, [{ uuid: orphan.uuid, baseVersion: null, base: null }]);
    });
    const good = await pc1.app.addDevice({ mac: 'aa:bb:cc:00:06:01' });
    proxy.pushBodies.length = 0;

    const outcome = await pc1.sync();
    assert.equal(outcome.push?.skipped, 1);
    assert.equal(outcome.push?.applied, 1);
    assert.equal(outcome.push?.status, 'partial');
    const sent = proxy.pushBodies.flatMap((b: any) => b.changes.map((c: { uuid: string }) => c.uuid));
    assert.deepEqual(sent, [good.uuid]);
    const [pullRow, pushRow] = await pc1.app.log(2);
    assert.equal(pullRow.direction, 'pull');
    assert.equal(pushRow.direction, 'push');
    assert.equal(pushRow.skipped, 1);
    assert.equal(pushRow.sent, 1);
    assert.equal((await pc1.app.status()).pendingChanges, 1, 'the skipped record is still waiting');
  });

  it('the conflicts a push is answered with are counted in its log row', async () => {
    const device = await pc1.app.addDevice({ mac: 'aa:bb:cc:00:06:02', hostname: 'a' });
    await pc1.sync();
    await pc2.sync();
    await pc2.app.editDevice(device.uuid, { hostname: 'from-pc2' });
    await pc2.sync();
    await pc1.app.editDevice(device.uuid, { hostname: 'from-pc1' });
    await pc1.sync();
    const [, pushRow] = await pc1.app.log(2);
    assert.equal(pushRow.direction, 'push');
    assert.equal(pushRow.conflicts, 1);
    assert.equal(pushRow.status, 'partial');
    assert.equal(pushRow.trigger, 'manual');
  });

  it('the cloud keeps its own audit of each push and pull, and its view of the instance', async () => {
    const instanceId = (await pc2.app.meta()).instanceId!;
    await pc2.app.addDevice({ mac: 'aa:bb:cc:00:06:09' });
    await pc2.sync();
    const rows = await story.cloud.db.read((r) => r.getRepository(CloudSyncLogEntity).find({ where: { instanceId }, order: { id: 'DESC' }, take: 2 }));
    assert.deepEqual(rows.map((row) => row.direction), ['pull', 'push']);
    assert.equal(rows[1].received, 1);
    assert.equal(rows[1].applied, 1);
    assert.equal(rows[1].status, 'ok');
    const status = await pc2.app.status();
    assert.equal(status.cloud?.lastPushAt, rows[1].at);
    assert.equal(status.cloud?.lastPullAt, rows[0].at);
    const site: ConnectedSite | null = await story.cloud.db.read((r) => r.getRepository(ConnectedSiteEntity).findOneBy({ instanceId }));
    assert.deepEqual([site?.siteId, site?.lastPushAt, site?.lastPullAt, site?.lastIp], ['hq', rows[1].at, rows[0].at, '127.0.0.1'], 'the ConnectedSite row');
  });

  it('logSyncAttempt writes the row the log lists, whatever the attempt was', async () => {
    const at = new Date().toISOString();
    const attempt = { direction: 'pull' as const, trigger: 'schedule' as const, startedAt: at, finishedAt: at, status: 'error' as const, sent: 0, received: 0, applied: 0, conflicts: 0, skipped: 0, rejected: 0, error: 'cloud unreachable: ECONNREFUSED' };
    const written = await pc2.app.db.write((tx) => logSyncAttempt(tx, attempt));
    assert.deepEqual((await pc2.app.log(1))[0], written);
    assert.deepEqual({ ...written, id: undefined }, { ...attempt, id: undefined });
  });

  it('a device the cloud rejects is shown with its reason and not re-sent until it changes', async () => {
    const clash = await pc2.app.addDevice({ mac: 'aa:bb:cc:00:06:03' });
    const mine = await pc1.app.addDevice({ mac: 'aa:bb:cc:00:06:03' });
    await pc2.sync();
    const first = await pc1.sync();
    assert.equal(first.push?.rejected, 1);
    const status = await pc1.app.status();
    assert.deepEqual(status.rejected.map((r) => r.uuid), [mine.uuid]);
    assert.match(status.rejected[0].reason, new RegExp(`mac aa:bb:cc:00:06:03 is already used by device ${clash.uuid}`));

    proxy.pushBodies.length = 0;
    await pc1.sync();
    assert.deepEqual(proxy.pushBodies, [], 'nothing re-sent while unchanged');

    // Its other fields can still be corrected while it waits: an edit is checked only for a MAC or asset tag it sets.
    assert.equal((await pc1.app.editDevice(mine.uuid, { hostname: 'renamed-meanwhile' })).hostname, 'renamed-meanwhile');
    assert.equal((await pc1.sync()).push?.rejected, 1, 'changed, so sent again, and refused again: the MAC is still taken');
    const other = await pc1.app.addDevice({ mac: 'aa:bb:cc:00:06:05' });
    await assert.rejects(pc1.app.editDevice(mine.uuid, { mac: other.mac }), /mac: expected a MAC address no other device of this site uses/);

    await pc1.app.editDevice(mine.uuid, { mac: 'aa:bb:cc:00:06:04' });
    const fixed = await pc1.sync();
    assert.equal(fixed.push?.rejected, 0);
    assert.deepEqual((await pc1.app.status()).rejected, []);
  });
});
