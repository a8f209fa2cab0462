import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DesktopSession } from '../../src/app/desktop-session';
import { LocalApp } from '../../src/app/local-app';
import { FileTokenStore } from '../../src/app/token-store';
import { writeMeta } from '../../src/db/local/meta-store';
import { ValidationError } from '../../src/domain/validation-error';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { tempDir } from '../support/temp-dir';

describe('desktop settings: where the stored token may go', () => {
  let cloud: TestCloud;
  let dir: ReturnType<typeof tempDir>;
  let session: DesktopSession;

  before(async () => {
    cloud = await startTestCloud();
    dir = tempDir('sitesync-settings-');
    session = await DesktopSession.open({ dataDir: join(dir.path, 'data') });
    await session.enrol(cloud.url, await cloud.enroll('hq'));
  });

  after(async () => {
    await session.close();
    await cloud.stop();
    dir.remove();
  });

  it('refuses to hand the token to another host, naming the field, and keeps the enrolment', async () => {
    await assert.rejects(
      session.updateSettings({ cloudUrl: 'https://collector.example.net' }),
      (error: unknown) => error instanceof ValidationError && error.issues[0].field === 'cloudUrl' && /Enrol again/.test(error.message),
    );
    assert.equal((await session.settings()).cloudUrl, cloud.url);
  });

  it('follows the cloud to another address on its own host', async () => {
    const sameHost = cloud.url.replace('127.0.0.1', 'localhost');
    await assert.rejects(session.updateSettings({ cloudUrl: sameHost }), /another server/, 'localhost is another host name');
    const settings = await session.updateSettings({ cloudUrl: `${cloud.url}/` });
    assert.equal(settings.cloudUrl, cloud.url);
  });
  it('over plain http, does not take the token to another port of the same host (another program may listen there)', async () => {
    let heard = 0;
    const listener = createServer((socket) => {
      heard++;
      socket.destroy();
    }).listen(0, '127.0.0.1');
    await once(listener, 'listening');
    try {
      const otherPort = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      await assert.rejects(
        session.updateSettings({ cloudUrl: otherPort }),
        (error: unknown) => error instanceof ValidationError && error.issues[0].field === 'cloudUrl' && /over https; otherwise use Enrol again/.test(error.message),
      );
      assert.equal(heard, 0, 'nothing was sent there');
      assert.equal((await session.settings()).cloudUrl, cloud.url);
    } finally {
      listener.close();
    }
  });

  it('an enrolment in clear text left by an older build is not used: the PC asks to enrol again over https', async () => {
    const oldDir = join(dir.path, 'clear-text');
    const app = await LocalApp.open({ dataDir: oldDir, retryDelaysMs: [] });
    try {
      await app.db.write((tx) => writeMeta(tx, { cloudUrl: 'http://192.0.2.2:8080', siteId: 'hq', instanceId: 'i-1', pullCursor: 0 }));
      new FileTokenStore(oldDir).write('sst_token-enrolled-in-clear-text');
      const outcome = await app.sync();
      assert.equal(outcome.failure, 'unauthorized', 'nothing sent: the worker stops and the page says Re-enrol');
      assert.equal(outcome.push, undefined);
      const status = await app.status();
      assert.equal(status.connection, 'unauthorized');
      assert.equal(status.refusal, outcome.refusal, 'what the page shows');
      assert.match(outcome.refusal!, /^this PC is enrolled at http:\/\/192\.0\.2\.2:8080, and plain http:\/\/ only to this PC itself .*: give it the cloud's https:\/\/ address \(Settings, or `sitesync init`\)$/);
    } finally {
      await app.close();
    }
  });

  it('does not take the token from https down to plain http, even on the same host', async () => {
    const httpsDir = join(dir.path, 'https');
    // A PC enrolled over https (written directly: no https cloud runs here); the check comes before any request.
    const app = await LocalApp.open({ dataDir: httpsDir });
    await app.db.write((tx) => writeMeta(tx, { cloudUrl: 'https://127.0.0.1:9', siteId: 'hq', instanceId: 'i-1', pullCursor: 0 }));
    await app.close();
    new FileTokenStore(httpsDir).write('sst_token-enrolled-over-https');
    const httpsSession = await DesktopSession.open({ dataDir: httpsDir });
    try {
      await assert.rejects(
        httpsSession.updateSettings({ cloudUrl: 'http://127.0.0.1:9' }),
        (error: unknown) => error instanceof ValidationError && error.issues[0].field === 'cloudUrl' && /https/.test(error.message),
      );
      assert.equal((await httpsSession.settings()).cloudUrl, 'https://127.0.0.1:9');
    } finally {
      await httpsSession.close();
    }
  });
});
