import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DesktopSession } from '../../src/app/desktop-session';
import type { WorkerStateView } from '../../src/contract/ipc';
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
