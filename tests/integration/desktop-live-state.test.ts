import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DesktopSession } from '../../src/app/desktop-session';
import { LocalApp } from '../../src/app/local-app';
import type { WorkerStateView } from '../../src/contract/ipc';
import type { Device } from '../../src/domain/device';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';

describe("the desktop's worker state tells whether the cloud's live stream is open", () => {
  let cloud: TestCloud;
  let dir: ReturnType<typeof tempDir>;
  let session: DesktopSession;

  /** Resolves with the first worker state (current or announced) whose stream is `live`. */
  const liveBecomes = (live: WorkerStateView['live']) =>
    new Promise<WorkerStateView>((resolve) => {
      if (session.workerState().live === live) return resolve(session.workerState());
      const stop = session.on('workerState', (state) => {
        if (state.live !== live) return;
        stop();
        resolve(state);
      });
    });

  before(async () => {
    cloud = await startTestCloud();
    dir = tempDir('sitesync-live-state-');
    session = await DesktopSession.open({ dataDir: join(dir.path, 'data') });
  });

  after(async () => {
    await session.close();
    await cloud.stop();
    dir.remove();
  });

  it('stopped before enrolment, open once enrolled, down when the cloud goes away, and offline at once, not at the next scheduled run', async () => {
    assert.equal(session.workerState().live, 'stopped');
    await session.enrol(cloud.url, await cloud.enroll('hq'));
    assert.equal((await liveBecomes('open')).live, 'open');
    await until(async () => session.workerState().phase === 'idle', 'the start-up run is over');
    assert.ok(session.workerState().nextRunAt! - Date.now() > 30_000, 'the next scheduled run is far off');
    await cloud.stop();
    assert.equal((await liveBecomes('down')).live, 'down');
    await until(async () => session.workerState().lastFailure === 'offline', 'a run tells the cloud is gone');
    assert.equal(session.workerState().phase, 'backoff');
  });
});

describe('a live stream the cloud keeps ending', () => {
  it('does not start a run storm: three copies of one instance, over its limit of two streams, sync a few times a second at most', { timeout: 30_000 }, async () => {
    const cloud = await startTestCloud({ server: { eventStreamLimits: { perInstance: 2, total: 100 } } });
    const dir = tempDir('sitesync-storm-');
    const token = await cloud.enroll('hq');
    const runs = [0, 0, 0];
    const apps = await Promise.all(runs.map((_, i) => LocalApp.open({ dataDir: join(dir.path, `copy-${i}`), retryDelaysMs: [] })));
    try {
      for (const app of apps) await app.init(cloud.url, token);
      const workers = apps.map((app, i) => app.startWorkers({ intervalMs: 60_000, onOutcome: () => runs[i]++ }));
      // Each new stream ends the oldest of the three: streams keep opening and ending.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await Promise.all(workers.map((w) => w.stop()));
      // Each drop and each reconnection may run once, and the stream waits out its back-off (≥ 0.5 s) in between:
      // ~12 in 3 s at most. A stream reconnecting at once after every run made ~100.
      console.log(`runs in 3 s: ${runs.join(', ')}`);
      for (const [i, count] of runs.entries()) assert.ok(count <= 20, `copy ${i} ran ${count} times in 3 s`);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await cloud.stop();
      dir.remove();
    }
  });
});

describe("the desktop's device list", () => {
  it('keeps a deletion waiting to sync where the device stood, and counts it as pending', async () => {
    const cloud = await startTestCloud();
    const dir = tempDir('sitesync-list-');
    const setup = await LocalApp.open({ dataDir: dir.path, retryDelaysMs: [] });
    await setup.init(cloud.url, await cloud.enroll('hq'));
    const made: Device[] = [];
    for (const name of ['first', 'second', 'third']) made.push(await setup.addDevice({ mac: `02:00:00:00:aa:0${made.length}`, hostname: name }));
    await setup.sync();
    await setup.close();
    await cloud.stop();
    const session = await DesktopSession.open({ dataDir: dir.path });
    try {
      await session.app.deleteDevice(made[0].uuid);
      const listed = await session.listDevices(false);
      assert.deepEqual(listed.map((d) => d.uuid), made.map((d) => d.uuid), 'in the order they were made');
      assert.ok(listed[0].deletedAt && listed[0].pending, 'the deletion, marked pending');
      assert.deepEqual([listed[0].hostname, listed[0].mac], ['first', made[0].mac], 'shown by the values the cloud last had: a tombstone keeps no host name');
      assert.equal((await session.app.getDevice(made[0].uuid)).hostname, null, 'the stored tombstone stays stripped');
      assert.equal(listed.filter((d) => d.uuid === made[0].uuid).length, 1, 'listed once');
    } finally {
      await session.close();
      dir.remove();
    }
  });
});
