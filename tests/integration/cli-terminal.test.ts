import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { LocalApp } from '../../src/app/local-app';
import { RecordingProxy } from '../support/recording-proxy';
import { tempDir } from '../support/temp-dir';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { until } from '../support/until';

const BIN = join(__dirname, '..', '..', 'bin', 'sitesync.js');
/** What the progress line writes before each new text: back to the line's start, and clear it. */
const REWRITE = '\r\x1b[2K';
// util-linux's `script` runs a command on a pseudo-terminal, as a person's shell would.
const noTerminal = spawnSync('script', ['--version']).status === 0 ? false : 'util-linux `script` is not installed, so no terminal can be given to the CLI';
if (noTerminal) console.log(`skipped: ${noTerminal}`);

describe('`sitesync sync` at a terminal', { skip: noTerminal }, () => {
  const dir = tempDir('sitesync-terminal-');
  let cloud: TestCloud;
  let proxy: RecordingProxy;
  let device = 0;

  before(async () => {
    cloud = await startTestCloud();
    proxy = new RecordingProxy(cloud.url);
    await proxy.start();
    const app = await LocalApp.open({ dataDir: dir.path });
    await app.init(proxy.url, await cloud.enroll('hq'));
    await app.close();
  });

  after(async () => {
    await proxy.stop();
    await cloud.stop();
    dir.remove();
  });

  /** A new device, then `sitesync ARGS sync` with the cloud's answer held for `holdMs`; what the person (or pipe) saw. */
  async function syncHeld(options: { terminal: boolean; json?: boolean; holdMs?: number; seeWhileHeld?: string }) {
    const app = await LocalApp.open({ dataDir: dir.path });
    await app.addDevice({ mac: `02:00:00:0e:00:0${device++}` });
    await app.close();
    const held = proxy.holdNext('/sync/push');
    const command = [process.execPath, BIN, ...(options.json ? ['--json'] : []), '--data-dir', dir.path, 'sync'];
    const child = options.terminal
      ? spawn('script', ['-qec', command.join(' '), '/dev/null'], { env: { ...process.env, SITESYNC_DATA_DIR: '' } })
      : spawn(command[0], command.slice(1), { env: { ...process.env, SITESYNC_DATA_DIR: '' } });
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const exited = once(child, 'exit');
    await held.arrived;
    if (options.seeWhileHeld) await until(async () => seen.includes(options.seeWhileHeld!), `the terminal shows "${options.seeWhileHeld}"`);
    else await delay(options.holdMs ?? 0);
    held.release();
    const [code] = await exited;
    return { code, seen };
  }

  it('says it waits for the cloud while the cloud is slow, then clears the line for the result', async () => {
    const { code, seen } = await syncHeld({ terminal: true, seeWhileHeld: `waiting for the cloud at ${proxy.url}…` });
    assert.equal(code, 0);
    assert.ok(seen.includes(`${REWRITE}waiting for the cloud at ${proxy.url}…`), seen);
    assert.ok(seen.includes(`${REWRITE}push: 1 of 1${REWRITE}pull: 1 of 1`), 'then how far each phase got, in place');
    assert.ok(seen.includes(`${REWRITE}push: ok  sent 1, received 0, applied 1`), 'the line is cleared, then the result');
  });

  it('shows no progress under --json, nor to a pipe', async () => {
    for (const options of [{ terminal: true, json: true }, { terminal: false }]) {
      const { code, seen } = await syncHeld({ ...options, holdMs: 2500 });
      assert.equal(code, 0, JSON.stringify(options));
      assert.ok(!seen.includes('waiting for the cloud') && !seen.includes(REWRITE), JSON.stringify(options));
    }
  });
});
