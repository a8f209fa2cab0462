import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startBrowserBridge, type BrowserBridge } from '../../src/app/browser-bridge';
import { DesktopSession } from '../../src/app/desktop-session';
import type { BridgeMessage } from '../../src/contract/bridge';
import { tempDir } from '../support/temp-dir';

/** Opens a socket and resolves with the HTTP status of a refused upgrade, or 101 when accepted. */
function upgradeStatus(url: string, origin: string): Promise<number> {
  const socket = new WebSocket(url, { origin });
  return new Promise((resolve) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });
}

describe('browser bridge (sitesync ui)', () => {
  let dir: ReturnType<typeof tempDir>;
  let session: DesktopSession;
  let bridge: BrowserBridge;
  let origin: string;
  let socketUrl: string;

  before(async () => {
    dir = tempDir('sitesync-bridge-');
    const rendererDir = join(dir.path, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>SiteSync</title>');
    writeFileSync(join(dir.path, 'outside.txt'), 'secret data');
    session = await DesktopSession.open({ dataDir: join(dir.path, 'data') });
    bridge = await startBrowserBridge({ session, rendererDir, port: 0 });
    origin = new URL(bridge.url).origin;
    socketUrl = `${bridge.url.replace('http:', 'ws:')}bridge`;
  });

  after(async () => {
    await bridge.close();
    await session.close();
    dir.remove();
  });

  it('listens on 127.0.0.1 and serves the page only below the secret', async () => {
    assert.match(bridge.url, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/$/);
    assert.equal((await fetch(bridge.url)).status, 200);
    assert.equal((await fetch(`${origin}/`)).status, 404);
    assert.equal((await fetch(`${origin}/index.html`)).status, 404);
    assert.equal((await fetch(`${origin}/not-the-secret/`)).status, 404);
    assert.equal((await fetch(`${bridge.url}..%2Foutside.txt`)).status, 404);
    const page = await fetch(bridge.url);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  });

  it('refuses malformed requests and escapes with 404, and keeps serving', async () => {
    const raw = (requestLine: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(new URL(origin).port), '127.0.0.1', () => socket.end(`${requestLine}\r\nHost: ${new URL(origin).host}\r\n\r\n`));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
      });
    assert.match(await raw(`GET ${new URL(bridge.url).pathname}%E0%A4%A HTTP/1.1`), /^HTTP\/1\.1 404/);
    assert.match(await raw('GET http://[ HTTP/1.1'), /^HTTP\/1\.1 (400|404)/);
    assert.equal((await fetch(bridge.url)).status, 200, 'still serving');
  });

  it('refuses a WebSocket without the secret, from another origin, or with no origin', async () => {
    assert.equal(await upgradeStatus(`${origin.replace('http:', 'ws:')}/bridge`, origin), 403);
    assert.equal(await upgradeStatus(`${origin.replace('http:', 'ws:')}/wrong/bridge`, origin), 403);
    assert.equal(await upgradeStatus(socketUrl, 'https://evil.example'), 403);
    assert.equal(await upgradeStatus(socketUrl, ''), 403);
    assert.equal(await upgradeStatus(socketUrl, origin), 101);
  });

  it('answers contract calls over the socket, and refuses bad arguments with the field named', async () => {
    const socket = new WebSocket(socketUrl, { origin });
    await once(socket, 'open');
    const waiting = new Map<number, (message: BridgeMessage) => void>();
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as BridgeMessage;
      if ('id' in message) waiting.get(message.id)?.(message);
    });
    const call = (id: number, channel: string, input: unknown) =>
      new Promise<BridgeMessage>((resolve) => {
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, channel, input }));
      });
    assert.deepEqual(await call(1, 'settings.get', {}), { id: 1, outcome: { ok: true, value: { cloudUrl: null, syncIntervalSeconds: 60, demoCloud: false } } });
    const refused = await call(2, 'devices.get', { uuid: 42 });
    assert.ok('outcome' in refused && !refused.outcome.ok && refused.outcome.error.issues?.[0].field === 'uuid');
    socket.send('not json');
    const [code] = await once(socket, 'close');
    assert.equal(code, 1008);
  });
});
