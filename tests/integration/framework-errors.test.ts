import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { until } from '../support/until';

interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

async function openSocket(url: string): Promise<Socket> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

/** Writes `request` as is and reads the answer until the server closes the connection. */
async function exchange(socket: Socket, request: string): Promise<RawAnswer> {
  let raw = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (raw += chunk));
  const closed = once(socket, 'close');
  socket.write(request);
  await closed;
  const [head, body] = [raw.slice(0, raw.indexOf('\r\n\r\n')), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = new Map(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** The contract's error shape (CONTRACT.md, HTTP): `{ error: { code, message } }` and nothing else. */
function assertContractError(status: number, body: string, expected: { status: number; code: string; message: RegExp }) {
  assert.equal(status, expected.status);
  const parsed = JSON.parse(body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(parsed), ['error']);
  assert.deepEqual(Object.keys(parsed.error).sort(), ['code', 'message']);
  assert.equal(parsed.error.code, expected.code);
  assert.match(parsed.error.message, expected.message);
}

describe('answers given before a request reaches a route are in the contract shape, with a request id', () => {
  let cloud: TestCloud;

  before(async () => {
    cloud = await startTestCloud();
  });
  after(() => cloud.stop());

  for (const path of ['/%', '/api/v1/sync/%E0%A4%A']) {
    it(`a URL whose %-escapes are not UTF-8 (${path}) gets 400 naming the path`, async () => {
      const response = await fetch(`${cloud.url}${path}`, { headers: { 'x-request-id': 'bad-url-1' } });
      assertContractError(response.status, await response.text(), { status: 400, code: 'bad_url', message: /URL path.*expected/ });
      assert.equal(response.headers.get('x-request-id'), 'bad-url-1');
    });
  }

  it('request headers over 16 KB get 431 in the contract shape', async () => {
    const answer = await exchange(await openSocket(cloud.url), `GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-padding: ${'x'.repeat(17 * 1024)}\r\n\r\n`);
    assertContractError(answer.status, answer.body, { status: 431, code: 'too_large', message: /request headers.*16 KiB/ });
    assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(answer.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('a request that is not HTTP gets 400 in the contract shape', async () => {
    const answer = await exchange(await openSocket(cloud.url), 'HELLO THERE\r\n\r\n');
    assertContractError(answer.status, answer.body, { status: 400, code: 'bad_request', message: /HTTP/ });
  });
});

describe('a cloud shutting down', () => {
  it('answers a request that arrives meanwhile with 503 unavailable, in the contract shape, with its request id', async () => {
    const cloud = await startTestCloud();
    try {
      const token = await cloud.enroll('hq');
      // A push whose body is still on its way keeps the shutdown waiting, so the connection opened beside it stays open.
      // Node says `100 Continue` as it hands the request to fastify: from then on the push counts as in flight.
      const slowPush = await openSocket(cloud.url);
      const idle = await openSocket(cloud.url);
      const body = JSON.stringify({ batchId: randomUUID(), changes: [] });
      let pushAnswer = '';
      slowPush.setEncoding('utf8');
      slowPush.on('data', (chunk: string) => (pushAnswer += chunk));
      const slowPushClosed = once(slowPush, 'close');
      slowPush.write(
        `POST /api/v1/sync/push HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n` +
          `expect: 100-continue\r\nx-sitesync-protocol: 1\r\nauthorization: Bearer ${token}\r\n\r\n`,
      );
      await until(async () => pushAnswer.includes('100 Continue'), 'the push is under way');
      const stopping = cloud.server.close();
      // The listener closes after the shutdown has begun: from then on a new request is refused.
      await until(
        () => openSocket(cloud.url).then((s) => (s.destroy(), false), () => true),
        'the server stops accepting connections',
      );

      const answer = await exchange(idle, 'GET /api/v1/sync/status HTTP/1.1\r\nhost: 127.0.0.1\r\nx-request-id: during-shutdown\r\n\r\n');
      assertContractError(answer.status, answer.body, { status: 503, code: 'unavailable', message: /shutting down/ });
      assert.equal(answer.headers.get('x-request-id'), 'during-shutdown');
      assert.equal(answer.headers.get('connection'), 'close');

      slowPush.write(body);
      await slowPushClosed;
      assert.match(pushAnswer, /HTTP\/1.1 200 OK/, 'the push in flight is answered');
      await stopping;
    } finally {
      await cloud.stop();
    }
  });
});
