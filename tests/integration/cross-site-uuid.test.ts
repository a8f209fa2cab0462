import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { applyPushBatch } from '../../src/cloud/apply-push';
import { enrollInstance } from '../../src/cloud/enrolment';
import { UuidClaimedElsewhere, writeVersioned } from '../../src/cloud/write-versioned';
import type { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { emptyFields } from '../../src/domain/device';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { TEST_CLOUD_BACKEND } from '../support/test-cloud-db';
import { until } from '../support/until';

/** Whether some statement waits for the transaction `xid` to end. */
async function someoneWaitsFor(db: CloudDatabase, xid: string): Promise<boolean> {
  const rows = await db.read((r) => r.query("SELECT 1 FROM pg_locks WHERE locktype = 'transactionid' AND transactionid::text = $1 AND NOT granted", [xid]));
  return rows.length > 0;
}

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
  it('a push that decided "new" while another site\'s create of the uuid was uncommitted is decided again and refused', { skip: TEST_CLOUD_BACKEND === 'sqlite' && 'SQLite has one writer: two pushes never overlap' }, async () => {
    const uuid = randomUUID();
    const now = new Date().toISOString();
    const { instanceId } = await enrollInstance(cloud.db, 'branch', null, now);
    let commitHq = () => {};
    let hqWrote = (_xid: string) => {};
    const wrote = new Promise<string>((resolve) => (hqWrote = resolve));
    // hq creates the uuid and holds its transaction open.
    const hq = cloud.db.transaction(async (tx) => {
      await writeVersioned(cloud.db, tx, 'hq', [{ ...emptyFields(), uuid, siteId: 'hq', assetTag: 'HELD-OPEN', createdAt: now, updatedAt: now, deletedAt: null }]);
      const [{ xid }] = await tx.query('SELECT xid(pg_current_xact_id())::text AS xid');
      hqWrote(xid);
      await new Promise<void>((resolve) => (commitHq = resolve));
    });
    const hqXid = await wrote;
    // branch decides "new" (it cannot see the uncommitted row); its insert waits on hq's.
    const branch = applyPushBatch(cloud.db, { instanceId, siteId: 'branch' }, { batchId: randomUUID(), changes: [{ uuid, baseVersion: null, fields: { assetTag: 'BRANCH' }, deletedAt: null, updatedAt: now }] }, now);
    await until(() => someoneWaitsFor(cloud.db, hqXid), "branch's insert waits on hq's row", 400);
    commitHq();
    await hq;
    const answer = await branch;
    assert.equal(answer.results[0].status, 'rejected');
    assert.match(answer.results[0].reason ?? '', /another site/);
    assert.deepEqual((await holdersOf(uuid)).map((d) => [d.siteId, d.assetTag]), [['hq', 'HELD-OPEN']]);
  });
});
