import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { revokeInstance } from '../../src/cloud/enrolment';
import { listConnectedSites } from '../../src/cloud/connected-sites';
import { startTestCloud, type TestCloud } from '../support/test-cloud';

describe('the cloud refuses what a caller got wrong, and writes nothing', () => {
  let cloud: TestCloud;
  let hqToken: string;
  let branchToken: string;
  let branchDevice: string;

  const send = (path: string, init: { token?: string | null; body?: string; protocol?: string | null; method?: string } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.token !== null) headers.authorization = `Bearer ${init.token ?? hqToken}`;
    if (init.protocol !== null) headers['x-sitesync-protocol'] = init.protocol ?? '1';
    return fetch(`${cloud.url}${path}`, { method: init.method ?? (init.body ? 'POST' : 'GET'), headers, body: init.body });
  };
  const push = (changes: unknown[], token?: string) => send('/api/v1/sync/push', { token, body: JSON.stringify({ batchId: randomUUID(), changes }) });
  const change = (fields: Record<string, string | null>, uuid: string = randomUUID()) => ({ uuid, baseVersion: null, fields, deletedAt: null, updatedAt: new Date().toISOString() });

  async function assertError(response: Response, status: number, code: string) {
    assert.equal(response.status, status);
    const body = await (response.json() as Promise<any>);
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, 'string');
    assert.ok(!JSON.stringify(body).includes('    at '), 'no stack trace');
  }

  before(async () => {
    cloud = await startTestCloud();
    hqToken = await cloud.enroll('hq');
    branchToken = await cloud.enroll('branch');
    const response = await push([change({ mac: 'aa:bb:cc:00:02:01' })], branchToken);
    branchDevice = (await (response.json() as Promise<any>)).results[0].uuid;
  });

  after(() => cloud.stop());

  it('no token, a wrong token and a revoked token get 401', async () => {
    await assertError(await send('/api/v1/sync/pull', { token: null }), 401, 'unauthorized');
    await assertError(await send('/api/v1/sync/pull', { token: 'sst_not-a-real-token-at-all-0000000000' }), 401, 'unauthorized');
    const token = await cloud.enroll('hq', 'to revoke');
    assert.equal((await send('/api/v1/sync/status', { token })).status, 200);
    const instance = (await listConnectedSites(cloud.db)).find((s) => s.name === 'to revoke')!;
    await revokeInstance(cloud.db, instance.instanceId, new Date().toISOString());
    await assertError(await send('/api/v1/sync/status', { token }), 401, 'unauthorized');
    await assertError(await push([change({ mac: 'aa:bb:cc:00:02:99' })], token), 401, 'unauthorized');
    assert.equal((await listCloudDevices(cloud.db, 'hq', true)).length, 0);
  });

  it('a client without the protocol header is told to update (426)', async () => {
    await assertError(await send('/api/v1/sync/pull', { protocol: null }), 426, 'upgrade_required');
  });

  it('malformed JSON gets 400', async () => {
    await assertError(await send('/api/v1/sync/push', { body: '{"batchId": "x", "changes": [' }), 400, 'bad_json');
  });

  it('a body that is not a push batch gets 400 naming the field', async () => {
    const response = await send('/api/v1/sync/push', { body: JSON.stringify({ batchId: 'not-a-uuid', changes: 'nope' }) });
    assert.equal(response.status, 400);
    const body = await (response.json() as Promise<any>);
    assert.match(body.error.message, /batchId: expected a UUID/);
    assert.match(body.error.message, /changes/);
  });

  it("another site's uuid is rejected and that device is untouched", async () => {
    const response = await push([change({ mac: 'aa:bb:cc:00:02:02', hostname: 'hijack' }, branchDevice)]);
    const body = await (response.json() as Promise<any>);
    assert.equal(body.rejected, 1);
    assert.match(body.results[0].reason, /another site/);
    const [device] = await listCloudDevices(cloud.db, 'branch', true);
    assert.equal(device.mac, 'aa:bb:cc:00:02:01');
    assert.equal(device.hostname, null);
    assert.equal((await listCloudDevices(cloud.db, 'hq', true)).length, 0);
  });

  it('invalid fields are rejected with the field named; the valid change of the batch still applies', async () => {
    const response = await push([
      change({ mac: 'not-a-mac', ip: '10.0.0.300' }),
      change({ mac: 'aa:bb:cc:00:02:03', ip: '010.0.0.1' }),
      change({ hostname: 'no-identity' }),
      change({ mac: 'aa:bb:cc:00:02:04', ip: '2001:DB8:0:0:0:0:0:1' }),
    ]);
    const body = await (response.json() as Promise<any>);
    assert.equal(body.rejected, 3);
    assert.equal(body.applied, 1);
    assert.match(body.results[0].reason, /mac: expected a MAC address/);
    assert.match(body.results[0].reason, /ip: expected an IPv4 address/);
    assert.match(body.results[1].reason, /ip:/);
    assert.match(body.results[2].reason, /mac: expected a MAC address or an asset tag/);
    const devices = await listCloudDevices(cloud.db, 'hq', true);
    assert.deepEqual(devices.map((d) => [d.mac, d.ip]), [['aa:bb:cc:00:02:04', '2001:db8::1']]);
  });

  it('a lone UTF-16 surrogate in any text field is rejected naming the field; the valid change of the batch still applies', async () => {
    const textFields = ['assetTag', 'serial', 'model', 'vendor', 'location', 'notes'];
    const response = await push([
      ...textFields.map((field, i) => change({ mac: `aa:bb:cc:00:03:0${i}`, [field]: `bad \ud800 surrogate` })),
      change({ mac: 'aa:bb:cc:00:03:99', notes: 'a whole character beyond the BMP: \u{1F5A5}' }),
    ]);
    assert.equal(response.status, 200);
    const body = await (response.json() as Promise<any>);
    assert.equal(body.rejected, textFields.length);
    assert.equal(body.applied, 1);
    textFields.forEach((field, i) => assert.match(body.results[i].reason, new RegExp(`^invalid: ${field}: expected well-formed Unicode text`)));
    const written = (await listCloudDevices(cloud.db, 'hq', true)).filter((d) => d.mac?.startsWith('aa:bb:cc:00:03:'));
    assert.deepEqual(written.map((d) => [d.mac, d.notes]), [['aa:bb:cc:00:03:99', 'a whole character beyond the BMP: \u{1F5A5}']]);
  });

  it('a tombstone carrying more than uuid, mac and assetTag is rejected', async () => {
    const body = await ((await push([{ ...change({ mac: 'aa:bb:cc:00:02:05', hostname: 'x' }), deletedAt: new Date().toISOString() }])).json() as any);
    assert.equal(body.rejected, 1);
    assert.match(body.results[0].reason, /stripped tombstone/);
  });

  it('a MAC another live device of the site holds is rejected', async () => {
    const body = await ((await push([change({ mac: 'AA-BB-CC-00-02-04' })])).json() as any);
    assert.equal(body.rejected, 1);
    assert.match(body.results[0].reason, /mac aa:bb:cc:00:02:04 is already used/);
  });

  it('a pull with a bad cursor gets 400 naming it', async () => {
    const response = await send('/api/v1/sync/pull?since=-4&limit=abc');
    assert.equal(response.status, 400);
    const body = await (response.json() as Promise<any>);
    assert.match(body.error.message, /since/);
    assert.match(body.error.message, /limit/);
  });

  it("takes the token's scheme in any case; a request without the app's version header keeps the version operators see", async () => {
    const token = await cloud.enroll('hq', 'probed');
    const status = (headers: Record<string, string>) => fetch(`${cloud.url}/api/v1/sync/status`, { headers: { 'x-sitesync-protocol': '1', ...headers } });
    assert.equal((await status({ authorization: `Bearer ${token}`, 'x-sitesync-app-version': '9.8.7' })).status, 200);
    assert.equal((await status({ authorization: `bearer ${token}` })).status, 200, 'bearer in lower case, from a probe without the header');
    const [probed] = (await listConnectedSites(cloud.db, 'hq')).filter((row) => row.name === 'probed');
    assert.equal(probed.appVersion, '9.8.7');
    assert.equal((await status({ authorization: `Basic ${token}` })).status, 401, 'another scheme is no bearer token');
  });

  it('a pull cursor or limit not written in decimal digits gets 400, not a guess', async () => {
    for (const query of ['since=', 'since=%20', 'since=0x2', 'since=1e3', 'since=2.0', 'limit=', 'limit=0', 'limit=5001', 'since=0&since=1']) {
      const response = await send(`/api/v1/sync/pull?${query}`);
      assert.equal(response.status, 400, query);
      assert.match(((await response.json()) as any).error.message, /^(since|limit): expected a whole number/, query);
    }
    assert.equal((await send('/api/v1/sync/pull?since=0&limit=5000')).status, 200);
  });

  it('a pull with a parameter it does not know gets 400 naming the query and the parameters it takes', async () => {
    const response = await send('/api/v1/sync/pull?since=0&sinse=4');
    await assertError(response.clone(), 400, 'invalid');
    const body = await (response.json() as Promise<any>);
    assert.equal(body.error.message, '(query): unknown field(s) sinse; expected only since, limit');
  });

  it('a push envelope with a key it does not know gets 400 naming the keys it takes', async () => {
    const response = await send('/api/v1/sync/push', { body: JSON.stringify({ batchId: randomUUID(), changes: [], dryRun: true }) });
    const body = await (response.json() as Promise<any>);
    assert.equal(response.status, 400);
    assert.equal(body.error.message, '(body): unknown field(s) dryRun; expected only batchId, changes');
    const misspelt = await push([change({ mac: 'aa:bb:cc:00:02:31', hostnme: 'typo' })]);
    assert.equal(misspelt.status, 400);
    assert.match(((await misspelt.json()) as any).error.message, /^changes\.0\.fields: unknown field\(s\) hostnme; expected only hostname, mac, ip, /);
  });

  it('HEAD is no way into the sync routes: 404, and no pull, visit or stream is recorded', async () => {
    const token = await cloud.enroll('hq', 'head-only');
    const before = await cloud.db.read((r) => r.query('SELECT COUNT(*) AS count FROM sync_log'));
    for (const route of ['pull?since=0', 'status', 'events']) {
      const response = await send(`/api/v1/sync/${route}`, { token, method: 'HEAD' });
      assert.equal(response.status, 404, `HEAD ${route}`);
    }
    const after = await cloud.db.read((r) => r.query('SELECT COUNT(*) AS count FROM sync_log'));
    assert.equal(Number(after[0].count), Number(before[0].count), 'no audit row');
    const instance = (await listConnectedSites(cloud.db)).find((s) => s.name === 'head-only')!;
    assert.equal(instance.lastSeenAt, null, 'no visit');
    assert.equal(instance.lastPullAt, null);
    assert.equal((await fetch(`${cloud.url}/healthz`, { method: 'HEAD' })).status, 200, 'a load balancer may still HEAD the health check');
  });

  it('a body over the size limit gets 413', async () => {
    const huge = JSON.stringify({ batchId: randomUUID(), changes: [change({ notes: 'x'.repeat(9 * 1024 * 1024) })] });
    await assertError(await send('/api/v1/sync/push', { body: huge }), 413, 'too_large');
  });

  it("an instance's failed request is its lastError in the connected sites until one of its pulls or pushes works", async () => {
    const token = await cloud.enroll('hq', 'failing');
    const lastError = async () => (await listConnectedSites(cloud.db)).find((s) => s.name === 'failing')!.lastError;
    assert.equal(await lastError(), null);
    await assertError(await send('/api/v1/sync/pull?since=-1', { token }), 400, 'invalid');
    assert.match((await lastError()) ?? '', /^400 invalid: .*since/);
    await assertError(await send('/api/v1/sync/push', { token, body: '{"batchId":' }), 400, 'bad_json');
    assert.match((await lastError()) ?? '', /^400 bad_json: /);
    assert.equal((await send('/api/v1/sync/pull?since=0', { token })).status, 200);
    assert.equal(await lastError(), null);
  });
});
