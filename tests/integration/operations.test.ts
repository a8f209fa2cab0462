import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { enrollInstance } from '../../src/cloud/enrolment';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process';
import { createTestCloudDb, type TestCloudDb } from '../support/test-cloud-db';

const BIN = join(__dirname, '..', '..', 'bin', 'sitesync.js');
const RATE_LIMIT = 5;

describe('operating the cloud server (the real `cloud serve` process)', () => {
  let store: TestCloudDb;
  let db: CloudDatabase;
  let server: CloudProcess;
  const enroll = async (siteId = 'hq', at = new Date()) => (await enrollInstance(db, siteId, `pc-${randomUUID().slice(0, 8)}`, at.toISOString())).token;
  const call = (path: string, token: string | null, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { 'x-sitesync-protocol': '1', 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
  const changes = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ uuid: randomUUID(), baseVersion: null, fields: { assetTag: `OPS-${randomUUID()}-${i}` }, deletedAt: null, updatedAt: new Date().toISOString() }));

  before(async () => {
    store = await createTestCloudDb();
    db = await CloudDatabase.open(store.target);
    server = await startCloudProcess(store.target, { args: ['--rate-limit', String(RATE_LIMIT), '--max-body-mb', '1'] });
  });

  after(async () => {
    await server.stop();
    await db.close();
    await store.drop();
  });

  it('/healthz and /readyz answer without a token', async () => {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), {
      status: 'ready',
      database: db.dialect,
      eventStreams: 0,
      recentChanges: { sites: 0, chars: 0, pullsFromWindow: 0, windowsOpened: 0, pullsFromDatabase: 0, windowsEvicted: 0 },
    });
  });

  it('logs each request as JSON with its request id, and never a token', async () => {
    const token = await enroll();
    const pushed = await call('/api/v1/sync/push', token, { body: { batchId: randomUUID(), changes: changes(2) }, headers: { 'x-request-id': 'lb-trace-0001' } });
    assert.equal(pushed.status, 200);
    assert.equal(pushed.headers.get('x-request-id'), 'lb-trace-0001', "a load balancer's id is kept");
    const refused = await call('/api/v1/sync/pull', `${token}x`);
    assert.equal(refused.status, 401);
    const ownId = refused.headers.get('x-request-id')!;
    assert.match(ownId, /^[0-9a-f-]{36}$/, 'otherwise a fresh UUID');

    const completed = await server.waitForLog((e) => e.reqId === 'lb-trace-0001' && e.msg === 'request completed');
    assert.equal((completed.res as { statusCode: number }).statusCode, 200);
    await server.waitForLog((e) => e.reqId === ownId && e.msg === 'request completed');
    assert.ok(!server.stderr().includes(token.slice(4)), 'no token in the log');
    assert.doesNotMatch(server.stderr(), /bearer|authorization/i);
  });

  it('a token over its rate limit gets 429 with a JSON error; other tokens go on', async () => {
    const [busy, other] = [await enroll(), await enroll()];
    const statuses = [];
    for (let i = 0; i <= RATE_LIMIT; i++) statuses.push((await call('/api/v1/sync/pull', busy)).status);
    assert.deepEqual(statuses, [...Array(RATE_LIMIT).fill(200), 429]);
    const limited = await call('/api/v1/sync/pull', busy);
    assert.equal(limited.status, 429);
    const body = (await limited.json()) as any;
    assert.equal(body.error.code, 'rate_limited');
    assert.match(body.error.message, /5 requests a minute/);
    assert.equal((await call('/api/v1/sync/pull', other)).status, 200);
  });

  it('a body over --max-body-mb gets 413 with a JSON error', async () => {
    const response = await call('/api/v1/sync/push', await enroll(), { body: JSON.stringify({ batchId: randomUUID(), changes: [], pad: 'x'.repeat(1.5 * 1024 * 1024) }) });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as any).error.code, 'too_large');
  });

  it('cloud sites flags instances not seen for longer than --stale-after', async () => {
    await enroll('quiet-site', new Date(Date.now() - 10 * 86_400_000));
    const sites = (...args: string[]) => {
      const result = spawnSync(process.execPath, [BIN, '--json', 'cloud', '--db', store.target, 'sites', ...args], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as { siteId: string; stale: boolean }[];
    };
    const all = sites();
    assert.ok(all.find((s) => s.siteId === 'quiet-site')!.stale, 'enrolled 10 days ago, never seen: stale after the default 72h');
    assert.ok(all.filter((s) => s.siteId === 'hq').every((s) => !s.stale), 'seen just now');
    assert.deepEqual(sites('--stale-only').map((s) => s.siteId), ['quiet-site']);
    assert.deepEqual(sites('--stale-only', '--stale-after', '30d'), []);
    const bad = spawnSync(process.execPath, [BIN, 'cloud', '--db', store.target, 'sites', '--stale-after', 'soon'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--stale-after.*expected a positive whole number of minutes, hours or days/);
  });

  it('SIGTERM lets a push in flight finish, then the process exits 0', async () => {
    const token = await enroll('shutdown');
    const pushing = call('/api/v1/sync/push', token, { body: { batchId: randomUUID(), changes: changes(1000) }, headers: { 'x-request-id': 'push-at-shutdown' } });
    await server.waitForLog((e) => e.reqId === 'push-at-shutdown' && e.msg === 'incoming request');
    const exited = server.stop();
    const response = await pushing;
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as any).applied, 1000);
    assert.equal(await exited, 0);
    assert.match(server.stderr(), /shutting down/);
    assert.equal((await listCloudDevices(db, 'shutdown', false)).length, 1000);
  });
});

describe('closing the cloud database', () => {
  it('lets a transaction under way commit first (a push still running when the shutdown grace ran out); a second close waits for the first', async () => {
    const target = await createTestCloudDb();
    const db = await CloudDatabase.open(target.target);
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      const writing = db.transaction(async (tx) => {
        await tx.query(`INSERT INTO sites (site_id, created_at) VALUES (${db.param(1)}, ${db.param(2)})`, ['closing', new Date().toISOString()]);
        inside();
        await held;
      });
      await entered;
      let closed = false;
      const closing = Promise.all([db.close(), db.close()]).then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(closed, false, 'close waits for the transaction');
      release();
      await writing;
      await closing;
      const reopened = await CloudDatabase.open(target.target);
      const rows = await reopened.read((r) => r.query(`SELECT site_id FROM sites WHERE site_id = ${reopened.param(1)}`, ['closing']));
      await reopened.close();
      assert.equal(rows.length, 1, 'the transaction committed');
    } finally {
      await db.close();
      await target.drop();
    }
  });
});
