import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { changeCloudDevice } from '../../src/cloud/cloud-devices';
import { enrollInstance, revokeInstance } from '../../src/cloud/enrolment';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { CloudClient } from '../../src/sync/cloud-client';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { until } from '../support/until';

const HEADERS = { 'x-sitesync-protocol': '1', accept: 'text/event-stream' };

/** An open `GET /events` read as text; `ended` settles when the server ends it. */
async function openStream(cloud: TestCloud, token: string) {
  const abort = new AbortController();
  const response = await fetch(`${cloud.url}/api/v1/sync/events`, { headers: { ...HEADERS, authorization: `Bearer ${token}` }, signal: abort.signal });
  assert.equal(response.status, 200, `stream refused: ${response.status}`);
  let text = '';
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return text;
      text += chunk.value;
    }
  })();
  return { ended, text: () => text, close: () => abort.abort() };
}

async function openCount(cloud: TestCloud): Promise<number> {
  return ((await (await fetch(`${cloud.url}/readyz`)).json()) as { eventStreams: number }).eventStreams;
}

describe('the cloud bounds and ends its live event streams', () => {
  let cloud: TestCloud;
  const enroll = async (siteId = 'hq') => (await enrollInstance(cloud.db, siteId, null, new Date().toISOString())).token;

  before(async () => {
    cloud = await startTestCloud({ server: { eventStreamLimits: { perInstance: 2, total: 4 }, eventKeepAliveMs: 40, failedAuthLimits: { max: 3, windowMs: 60_000 } } });
  });
  after(() => cloud.stop());

  it('a caller that hangs up before its stream is set up leaves nothing open', async () => {
    const token = await enroll();
    for (let i = 0; i < 20; i++) {
      const port = Number(new URL(cloud.url).port);
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`GET /api/v1/sync/events HTTP/1.1\r\nhost: 127.0.0.1\r\nx-sitesync-protocol: 1\r\nauthorization: Bearer ${token}\r\n\r\n`);
      socket.destroy();
    }
    // Each holds a place while it is set up: once they are all gone, nothing may be left, and a stream opened then works.
    await until(async () => (await openCount(cloud)) === 0, 'the hung-up streams are gone');
    const last = await openStream(cloud, token);
    await until(async () => last.text().includes('event: ready'), 'the last stream is ready');
    last.close();
    await until(async () => (await openCount(cloud)) === 0, 'no stream is open');
  });

  it("an instance's third stream ends its first; the others go on", async () => {
    const token = await enroll();
    const first = await openStream(cloud, token);
    const second = await openStream(cloud, token);
    await until(async () => second.text().includes('event: ready'), 'the second stream is ready');
    const third = await openStream(cloud, token);
    assert.match(await first.ended, /event: ready/);
    await until(async () => third.text().includes('event: ready'), 'the third stream is ready');
    assert.equal(await openCount(cloud), 2);
    second.close();
    third.close();
    await until(async () => (await openCount(cloud)) === 0, 'no stream is open');
  });

  it('past the total, a new stream gets 503 with a JSON error (the client keeps its schedule)', async () => {
    const streams = [];
    for (let i = 0; i < 4; i++) streams.push(await openStream(cloud, await enroll(`site-${i}`)));
    const refused = await fetch(`${cloud.url}/api/v1/sync/events`, { headers: { ...HEADERS, authorization: `Bearer ${await enroll('site-late')}` } });
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as any).error.code, 'unavailable');
    for (const stream of streams) stream.close();
    await until(async () => (await openCount(cloud)) === 0, 'no stream is open');
  });

  it('streams asked for all at once (a reconnect storm) still stop at the total', async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => enroll(`storm-${i}`)));
    const answers = await Promise.all(
      tokens.map(async (token) => {
        const abort = new AbortController();
        const response = await fetch(`${cloud.url}/api/v1/sync/events`, { headers: { ...HEADERS, authorization: `Bearer ${token}` }, signal: abort.signal });
        return { status: response.status, close: () => abort.abort() };
      }),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 503, 503, 503, 503]);
    for (const answer of answers) answer.close();
    await until(async () => (await openCount(cloud)) === 0, 'no stream is open');
  });

  it('a cloud-side edit made by another process on the same database is announced', async () => {
    const client = new CloudClient({ baseUrl: cloud.url, token: await enroll('edits'), retryDelaysMs: [] });
    const uuid = randomUUID();
    await client.push([{ uuid, baseVersion: null, fields: { mac: 'aa:bb:cc:00:44:01' }, deletedAt: null, updatedAt: new Date().toISOString() }]);
    const watcher = await openStream(cloud, await enroll('edits'));
    await until(async () => watcher.text().includes('event: ready'), 'the stream is ready');
    // What `sitesync cloud device edit` opens in its own process: a connection and a feed of its own.
    const elsewhere = await CloudDatabase.open(cloud.db.target);
    try {
      await changeCloudDevice(elsewhere, uuid, { patch: { hostname: 'edited-elsewhere' } }, new Date().toISOString());
    } finally {
      await elsewhere.close();
    }
    await until(async () => watcher.text().includes('event: version\ndata: {"siteId":"edits","version":2}'), 'the edit is announced');
    watcher.close();
  });

  it("revoking an instance ends its open stream within a keep-alive; another instance's stream goes on", async () => {
    const revoked = await enrollInstance(cloud.db, 'hq', null, new Date().toISOString());
    const stream = await openStream(cloud, revoked.token);
    const other = await openStream(cloud, await enroll());
    await until(async () => stream.text().includes('event: ready'), 'the stream is ready');
    await revokeInstance(cloud.db, revoked.instanceId, new Date().toISOString());
    await stream.ended;
    await delay(120);
    assert.equal(await openCount(cloud), 1, "the other instance's stream is still open");
    assert.match(other.text(), /: keep-alive/);
    other.close();
  });

  it('an address presenting refused tokens is told to wait (429, Retry-After) before any lookup', async () => {
    const pull = (token: string) => fetch(`${cloud.url}/api/v1/sync/pull`, { headers: { 'x-sitesync-protocol': '1', authorization: `Bearer ${token}` } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await pull(`sst_guess-${i}`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const waiting = await pull(await enroll());
    assert.equal(waiting.status, 429, 'a valid token from that address waits too: the address is what is limited');
    assert.ok(Number(waiting.headers.get('retry-after')) > 0);
    assert.equal(((await waiting.json()) as any).error.code, 'rate_limited');
  });
});

describe('stopping the cloud', () => {
  it('ends its event streams and closes connections that never sent a request, without waiting for the keep-alive timeout', { timeout: 20_000 }, async () => {
    // A grace longer than the test's timeout: only closing once drained can pass.
    const cloud = await startTestCloud({ server: { shutdownGraceMs: 60_000 } });
    try {
      const stream = await openStream(cloud, (await enrollInstance(cloud.db, 'hq', null, new Date().toISOString())).token);
      await until(async () => stream.text().includes('event: ready'), 'the stream is ready');
      const unused = connect(Number(new URL(cloud.url).port), '127.0.0.1');
      await new Promise((resolve) => unused.once('connect', resolve));
      const unusedClosed = new Promise((resolve) => unused.once('close', resolve));
      const stopping = cloud.server.close();
      assert.match(await stream.ended, /event: ready/);
      await unusedClosed;
      await stopping;
    } finally {
      await cloud.stop();
    }
  });
});
