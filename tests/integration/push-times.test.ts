import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';

describe('times a push carries are stored in one form, whatever the backend', () => {
  let cloud: TestCloud;
  let token: string;
  let pc: TestInstance;

  const push = (changes: unknown[]) =>
    fetch(`${cloud.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sitesync-protocol': '1', authorization: `Bearer ${token}` },
      body: JSON.stringify({ batchId: randomUUID(), changes }),
    });

  before(async () => {
    cloud = await startTestCloud();
    token = await cloud.enroll('hq');
    pc = await startTestInstance(cloud, 'hq');
  });

  after(async () => {
    await pc.close();
    await cloud.stop();
  });

  it('a time with more fractional digits than the columns hold is kept to the millisecond, and the batch applies whole', async () => {
    const plain = { uuid: randomUUID(), baseVersion: null, fields: { mac: 'aa:bb:cc:00:09:01' }, deletedAt: null, updatedAt: '2026-01-01T00:00:00.000Z' };
    const precise = { uuid: randomUUID(), baseVersion: null, fields: { mac: 'aa:bb:cc:00:09:02' }, deletedAt: null, updatedAt: '2026-01-01T00:00:00.1234567890123456789Z' };
    const noFraction = { uuid: randomUUID(), baseVersion: null, fields: { mac: 'aa:bb:cc:00:09:03' }, deletedAt: null, updatedAt: '2026-01-01T00:00:00Z' };
    const tombstone = {
      uuid: randomUUID(),
      baseVersion: null,
      fields: { mac: 'aa:bb:cc:00:09:04' },
      deletedAt: '2026-01-02T00:00:00.9876543210987654321Z',
      updatedAt: '2026-01-02T00:00:00.9876543210987654321Z',
    };
    const response = await push([plain, precise, noFraction, tombstone]);
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { applied: number; rejected: number };
    assert.deepEqual([body.applied, body.rejected], [4, 0]);

    const expected = new Map([
      [plain.uuid, ['2026-01-01T00:00:00.000Z', null]],
      [precise.uuid, ['2026-01-01T00:00:00.123Z', null]],
      [noFraction.uuid, ['2026-01-01T00:00:00.000Z', null]],
      [tombstone.uuid, ['2026-01-02T00:00:00.987Z', '2026-01-02T00:00:00.987Z']],
    ]);
    const inCloud = await listCloudDevices(cloud.db, 'hq', true);
    assert.deepEqual(new Map(inCloud.map((d) => [d.uuid, [d.updatedAt, d.deletedAt]])), expected);

    // The desktop stores what it pulls in the same form.
    await pc.sync();
    const onDesktop = await pc.app.listDevices({ all: true });
    assert.deepEqual(new Map(onDesktop.map((d) => [d.uuid, [d.updatedAt, d.deletedAt]])), expected);
  });
});
