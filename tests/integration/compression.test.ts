import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, constants as zlib, gunzipSync } from 'node:zlib';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, pullResponseSchema } from '../../src/contract/sync-http';
import { CloudClient, MAX_ANSWER_BYTES } from '../../src/sync/cloud-client';
import { SyncFailure } from '../../src/sync/sync-failure';
import { RecordingProxy } from '../support/recording-proxy';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance } from '../support/test-instance';

describe('pull pages travel compressed when the caller accepts it', () => {
  let cloud: TestCloud;
  let token: string;

  /** A raw GET, so the test, not an HTTP library, says which encodings are accepted and sees the bytes sent. */
  const get = (path: string, acceptEncoding: string | null) =>
    new Promise<{ response: IncomingMessage; body: Buffer }>((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
      if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
      request(`${cloud.url}${path}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ response, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
        .on('error', reject)
        .end();
    });

  before(async () => {
    cloud = await startTestCloud();
    token = await cloud.enroll('hq');
    const changes = Array.from({ length: 200 }, (_, i) => ({
      uuid: randomUUID(),
      baseVersion: null,
      fields: { mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, hostname: `pc-${i}` },
      deletedAt: null,
      updatedAt: new Date().toISOString(),
    }));
    const pushed = await fetch(`${cloud.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), 'content-type': 'application/json' },
      body: JSON.stringify({ batchId: randomUUID(), changes }),
    });
    assert.equal(pushed.status, 200);
  });

  after(() => cloud.stop());

  it('brotli and gzip pages hold the same changes as the plain page, in far fewer bytes', async () => {
    const plain = await get('/api/v1/sync/pull?limit=500', null);
    assert.equal(plain.response.headers['content-encoding'], undefined);
    const page = pullResponseSchema.parse(JSON.parse(plain.body.toString('utf8')));
    assert.equal(page.changes.length, 200);

    for (const [encoding, decompress] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
      const packed = await get('/api/v1/sync/pull?limit=500', encoding);
      assert.equal(packed.response.statusCode, 200);
      assert.equal(packed.response.headers['content-encoding'], encoding);
      assert.match(String(packed.response.headers.vary), /accept-encoding/i);
      assert.deepEqual(JSON.parse(decompress(packed.body).toString('utf8')), page);
      assert.ok(packed.body.length * 4 < plain.body.length, `${encoding}: ${packed.body.length} bytes for ${plain.body.length}`);
    }
  });

  it("the desktop client asks for compressed pages and reads them: a new instance gets the site's 200 devices", async () => {
    const proxy = new RecordingProxy(cloud.url);
    await proxy.start();
    const instance = await startTestInstance(cloud, 'hq', { cloudUrl: proxy.url });
    try {
      await instance.sync();
      assert.equal((await instance.app.listDevices()).length, 200);
      assert.ok(proxy.pullEncodings.length > 0);
      assert.ok(proxy.pullEncodings.every((encoding) => encoding === 'br'), `pull answers sent as ${proxy.pullEncodings.join(', ')}`);
    } finally {
      await instance.close();
      await proxy.stop();
    }
  });

  it('the event stream is never compressed: each event must arrive when it is sent', async () => {
    const opened = await new Promise<IncomingMessage>((resolve, reject) => {
      const call = request(`${cloud.url}/api/v1/sync/events`, { headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), 'accept-encoding': 'br, gzip' } }, resolve);
      call.on('error', reject).end();
    });
    try {
      assert.equal(opened.statusCode, 200);
      assert.match(String(opened.headers['content-type']), /text\/event-stream/);
      assert.equal(opened.headers['content-encoding'], undefined);
      const first = await new Promise<string>((resolve) => opened.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));
      assert.match(first, /^(event|data|:|retry|id)/m, 'readable text, not a compressed block');
    } finally {
      opened.destroy();
    }
  });
});

describe('the desktop client bounds what a compressed answer may inflate to', () => {
  it('an answer of a few kilobytes that inflates past MAX_ANSWER_BYTES is refused, not buffered', async () => {
    const bomb = brotliCompressSync(Buffer.alloc(MAX_ANSWER_BYTES + 1024 * 1024, 0x20), { params: { [zlib.BROTLI_PARAM_QUALITY]: 1 } });
    assert.ok(bomb.length < 1024 * 1024, `${bomb.length} bytes on the wire`);
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
      response.end(bomb);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address() as { port: number };
      const client = new CloudClient({ baseUrl: `http://127.0.0.1:${address.port}`, token: 'sst_test', retryDelaysMs: [] });
      const refused = await client.pull(0, 10).then(
        () => null,
        (error: unknown) => error,
      );
      assert.ok(refused instanceof SyncFailure, String(refused));
      assert.equal(refused.kind, 'server');
      assert.match(refused.message, /cloud answer refused: maxContentLength size of \d+ exceeded/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
