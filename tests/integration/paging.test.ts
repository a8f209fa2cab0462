import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { LocalApp } from '../../src/app/local-app';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { FileTokenStore } from '../../src/app/token-store';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';
import { tempDir } from '../support/temp-dir';

const DEVICES = 3000;

describe('paged pull', () => {
  let cloud: TestCloud;
  let source: TestInstance;

  before(async () => {
    cloud = await startTestCloud();
    source = await startTestInstance(cloud, 'hq');
    for (let i = 0; i < DEVICES; i++) {
      const hex = i.toString(16).padStart(6, '0');
      await source.app.addDevice({ mac: `02:00:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4)}`, hostname: `dev-${i}` });
    }
    const outcome = await source.sync();
    assert.equal(outcome.push?.applied, DEVICES, 'pushed in several batches');
  });

  after(async () => {
    await source.close();
    await cloud.stop();
  });

  it('an empty instance receives thousands of devices over many pages, each exactly once', async () => {
    const dir = tempDir();
    const app = await LocalApp.open({ dataDir: dir.path, pullPageSize: 200, retryDelaysMs: [] });
    try {
      await app.init(cloud.url, await cloud.enroll('hq'));
      const pages: number[] = [];
      const outcome = await app.sync({ direction: 'pull', onProgress: (p) => pages.push(p.done) });
      assert.equal(outcome.pull?.received, DEVICES);
      assert.equal(pages.length, DEVICES / 200);
      assert.deepEqual(pages, [...pages].sort((a, b) => a - b), 'progress only grows');
      assert.equal(pages.at(-1), DEVICES);
      const local = await app.listDevices();
      assert.equal(local.length, DEVICES);
      assert.equal(new Set(local.map((d) => d.uuid)).size, DEVICES);
      assert.equal((await app.meta()).pullCursor, DEVICES);
    } finally {
      await app.close();
      dir.remove();
    }
  });

  it('a process killed between pages repeats a page on restart and never skips one', async () => {
    const dir = tempDir();
    const setup = await LocalApp.open({ dataDir: dir.path });
    await setup.init(cloud.url, await cloud.enroll('hq'));
    await setup.close();

    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/sync-child.ts', dir.path, 'pull', '100'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    let committed = 0;
    for await (const line of lines) {
      if (line.startsWith('committed ')) committed = Number(line.slice('committed '.length));
      if (committed >= 500) break;
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(committed >= 500 && committed < DEVICES, `killed part-way (after ${committed})`);

    const app = await LocalApp.open({ dataDir: dir.path, pullPageSize: 100, retryDelaysMs: [] });
    try {
      const { pullCursor } = await app.meta();
      const kept = await app.listDevices({ all: true });
      // Page and cursor commit together: exactly the devices up to the cursor are here.
      assert.ok(pullCursor >= committed, 'every reported page was committed');
      assert.equal(kept.length, pullCursor);

      await app.sync({ direction: 'pull' });
      const all = await app.listDevices();
      const cloudDevices = await listCloudDevices(cloud.db, 'hq', false);
      assert.equal(all.length, DEVICES);
      assert.deepEqual(new Set(all.map((d) => d.uuid)), new Set(cloudDevices.map((d) => d.uuid)));
      assert.ok(new FileTokenStore(dir.path).read(), 'token survived the crash');
    } finally {
      await app.close();
      dir.remove();
    }
  });

  it('push and pull of a quiet instance send and receive nothing', async () => {
    const outcome = await source.sync();
    assert.equal(outcome.push?.sent, 0);
    assert.equal(outcome.pull?.received, 0);
  });
});
