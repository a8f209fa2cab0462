import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LocalApp } from '../../src/app/local-app';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { enrollInstance } from '../../src/cloud/enrolment';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { oldestOutboxBatch } from '../../src/db/local/push-outbox';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process';
import { startTcpForwarder, type TcpForwarder } from '../support/tcp-forwarder';
import { TEST_CLOUD_BACKEND, createTestCloudDb, type TestCloudDb } from '../support/test-cloud-db';
import { tempDir } from '../support/temp-dir';

const skip = TEST_CLOUD_BACKEND === 'postgres' ? false : 'a PostgreSQL server that goes away runs in npm run test:integration:pg';
if (skip) console.log(`skipped: ${skip}`);

describe("the cloud's database goes away and comes back", { skip }, () => {
  let store: TestCloudDb;
  let db: CloudDatabase;
  let link: TcpForwarder;
  let cloud: CloudProcess;
  let app: LocalApp;
  const pcDir = tempDir('sitesync-outage-');

  before(async () => {
    store = await createTestCloudDb('postgres');
    db = await CloudDatabase.open(store.target);
    // The server reaches PostgreSQL only through the link, which the test cuts.
    link = await startTcpForwarder(Number(new URL(store.target).port || 5432));
    const throughLink = new URL(store.target);
    throughLink.port = String(link.port);
    cloud = await startCloudProcess(throughLink.toString());
    app = await LocalApp.open({ dataDir: pcDir.path, retryDelaysMs: [] });
    await app.init(cloud.url, (await enrollInstance(db, 'hq', 'pc', new Date().toISOString())).token);
  });

  after(async () => {
    await app.close();
    pcDir.remove();
    await link.reopen();
    await cloud.stop();
    await link.close();
    await db.close();
    await store.drop();
  });

  it('answers 503 with Retry-After, not 500, logs the cause, and the edit made meanwhile applies once it is back', async () => {
    const device = await app.addDevice({ mac: '02:00:00:0d:00:01', hostname: 'before' });
    assert.equal((await app.sync()).push?.status, 'ok');

    await link.cut();
    await app.editDevice(device.uuid, { hostname: 'during-the-outage' });
    const during = await app.sync();
    assert.equal(during.push?.status, 'error');
    assert.equal(during.push?.failureKind, 'server', 'the worker backs off and tries again; nothing is refused');
    assert.match(during.push!.error!, /cloud answered 503: the cloud database does not answer; retry in a few seconds/);
    assert.ok(await app.db.read(oldestOutboxBatch), 'the batch waits in the outbox');

    const answer = await fetch(`${cloud.url}/api/v1/sync/pull?since=0`, { headers: { authorization: `Bearer ${(await enrollInstance(db, 'hq', null, new Date().toISOString())).token}`, 'x-sitesync-protocol': '1' } });
    assert.equal(answer.status, 503);
    assert.equal(answer.headers.get('retry-after'), '5');
    assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'unavailable');
    assert.equal((await fetch(`${cloud.url}/readyz`)).status, 503);
    const logged = await cloud.waitForLog((entry) => entry.msg === 'request failed');
    assert.equal((logged.err as { code?: string }).code, 'ECONNREFUSED', 'the operator reads the cause');

    await link.reopen();
    const after = await app.sync();
    assert.deepEqual([after.push?.status, after.pull?.status], ['ok', 'ok']);
    assert.deepEqual(await app.listConflicts(), []);
    const inCloud = (await listCloudDevices(db, 'hq', true)).filter((d) => d.uuid === device.uuid);
    assert.deepEqual(inCloud.map((d) => d.hostname), ['during-the-outage']);
    assert.equal((await fetch(`${cloud.url}/readyz`)).status, 200);
  });
});
