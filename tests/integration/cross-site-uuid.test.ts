import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { UuidClaimedElsewhere, writeVersioned } from '../../src/cloud/write-versioned';
import { startTestCloud, type TestCloud } from '../support/test-cloud';

// Each site's push holds only its own site's lock, so two sites may decide to create one uuid at once.
describe('a uuid belongs to one site even when two sites create it at the same moment', () => {
  let cloud: TestCloud;
  let hqToken: string;
  let branchToken: string;

  const push = (token: string, fields: Record<string, string>, uuid: string) =>
    fetch(`${cloud.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sitesync-protocol': '1', authorization: `Bearer ${token}` },
      body: JSON.stringify({ batchId: randomUUID(), changes: [{ uuid, baseVersion: null, fields, deletedAt: null, updatedAt: new Date().toISOString() }] }),
    }).then((response) => response.json() as Promise<any>);
  const holdersOf = async (uuid: string) =>
    [...(await listCloudDevices(cloud.db, 'hq', true)), ...(await listCloudDevices(cloud.db, 'branch', true))].filter((d) => d.uuid === uuid);

  before(async () => {
    cloud = await startTestCloud();
    hqToken = await cloud.enroll('hq');
    branchToken = await cloud.enroll('branch');
  });

  after(() => cloud.stop());

  it('concurrent pushes of one new uuid from two sites: one is applied, the other refused, one site holds it', async () => {
    for (let round = 0; round < 20; round++) {
      const uuid = randomUUID();
      const answers = await Promise.all([push(hqToken, { assetTag: `RACE-HQ-${round}` }, uuid), push(branchToken, { assetTag: `RACE-BR-${round}` }, uuid)]);
      assert.deepEqual(answers.map((a) => a.results[0].status).sort(), ['applied', 'rejected'], `round ${round}`);
      assert.equal((await holdersOf(uuid)).length, 1, `round ${round}`);
    }
  });

  it('a write that decided to create a uuid another site holds changes nothing and says so', async () => {
    const uuid = randomUUID();
    await push(branchToken, { mac: 'aa:bb:cc:00:09:01' }, uuid);
    const [before] = await holdersOf(uuid);
    const { version: _version, ...record } = before;
    const now = new Date().toISOString();
    await assert.rejects(
      cloud.db.transaction((tx) => writeVersioned(cloud.db, tx, 'hq', [{ ...record, siteId: 'hq', hostname: 'moved', createdAt: now, updatedAt: now }])),
      UuidClaimedElsewhere,
    );
    assert.deepEqual(await holdersOf(uuid), [before]);
  });
});
