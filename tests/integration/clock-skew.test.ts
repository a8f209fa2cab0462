import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import type { Clock } from '../../src/domain/clock';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';

const DAY = 24 * 60 * 60 * 1000;
const skewed = (offsetMs: number): Clock => () => new Date(Date.now() + offsetMs);

describe('clock skew: versions, not client clocks, order the changes', () => {
  let cloud: TestCloud;
  let behind: TestInstance;
  let ahead: TestInstance;

  before(async () => {
    cloud = await startTestCloud();
    behind = await startTestInstance(cloud, 'hq', { clock: skewed(-5 * DAY) });
    ahead = await startTestInstance(cloud, 'hq', { clock: skewed(3 * DAY) });
  });

  after(async () => {
    await behind.close();
    await ahead.close();
    await cloud.stop();
  });

  it('an instance days behind loses nothing, and neither does one days ahead', async () => {
    // The instance ahead writes first, stamping its changes days in the future.
    const first = await ahead.app.addDevice({ mac: 'aa:bb:cc:00:03:01', hostname: 'from-the-future' });
    await ahead.sync();
    // The instance behind syncs afterwards: a timestamp cursor would think it had everything already.
    const second = await behind.app.addDevice({ mac: 'aa:bb:cc:00:03:02', hostname: 'from-the-past' });
    await behind.sync();
    await ahead.sync();
    assert.equal((await behind.device(first.uuid)).hostname, 'from-the-future');
    assert.equal((await ahead.device(second.uuid)).hostname, 'from-the-past');

    // The older-stamped edit still wins over nothing: it is the newer change the cloud has seen.
    await ahead.app.editDevice(first.uuid, { location: 'rack 9' });
    await ahead.sync();
    await behind.sync();
    await behind.app.editDevice(first.uuid, { notes: 'checked' });
    await behind.sync();
    await ahead.sync();
    for (const pc of [ahead, behind]) {
      const device = await pc.device(first.uuid);
      assert.equal(device.location, 'rack 9');
      assert.equal(device.notes, 'checked');
    }
    const cloudDevices = await listCloudDevices(cloud.db, 'hq', false);
    assert.equal(cloudDevices.length, 2);
    assert.equal((await ahead.app.status()).pendingChanges, 0);
    assert.equal((await behind.app.status()).pendingChanges, 0);
  });
});
