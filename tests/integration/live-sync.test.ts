import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { changeCloudDevice } from '../../src/cloud/cloud-devices';
import type { LiveState } from '../../src/sync/live-events';
import type { SyncWorkers } from '../../src/sync/worker';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';

const HOUR = 3_600_000;

/** An instance running its workers as the desktop app does, with the schedule an hour away: only live events move data. */
class LiveInstance {
  readonly events = new EventEmitter();
  liveState: LiveState = 'connecting';
  workers!: SyncWorkers;

  constructor(readonly instance: TestInstance) {}

  start(): void {
    this.workers = this.instance.app.startWorkers({
      intervalMs: HOUR,
      onOutcome: () => this.events.emit('outcome'),
      onLiveState: (state) => {
        this.liveState = state;
        this.events.emit('live', state);
      },
    });
    this.workers.subscribe(() => this.events.emit('worker'));
  }

  /** Waits for `event` until `done` holds; listening starts before each check, so no event slips past. */
  async until(event: 'outcome' | 'live' | 'worker', done: () => boolean | Promise<boolean>): Promise<void> {
    for (;;) {
      const next = once(this.events, event);
      if (await done()) return;
      await next;
    }
  }

  /** Resolves once the stream is open and the start-up sync has finished: from here on, only events move data. */
  async settled(): Promise<void> {
    await this.until('live', () => this.liveState === 'open');
    await this.until('worker', () => this.workers.state().phase === 'idle');
  }

  hostnameOf(uuid: string): Promise<string | null> {
    return this.instance.app.listDevices().then((devices) => devices.find((d) => d.uuid === uuid)?.hostname ?? null);
  }
}

describe('live sync: changes arrive without anyone syncing', () => {
  let cloud: TestCloud;
  let pc1: LiveInstance;
  let pc2: LiveInstance;

  before(async () => {
    cloud = await startTestCloud();
    pc1 = new LiveInstance(await startTestInstance(cloud, 'hq'));
    pc2 = new LiveInstance(await startTestInstance(cloud, 'hq'));
    pc1.start();
    pc2.start();
    await Promise.all([pc1.settled(), pc2.settled()]);
  });

  after(async () => {
    for (const pc of [pc1, pc2]) {
      await pc.workers.stop();
      await pc.instance.close();
    }
    await cloud.stop();
  });

  it('an edit on instance 1 is on instance 2 within a second of reaching the cloud', async () => {
    const added = await pc1.instance.app.addDevice({ mac: 'aa:bb:cc:00:0a:01', hostname: 'live-1' });
    await pc1.until('worker', async () => pc1.workers.state().phase === 'idle' && (await pc1.instance.app.status()).pendingChanges === 0);
    const pushedAt = performance.now();
    await pc2.until('outcome', async () => (await pc2.hostnameOf(added.uuid)) === 'live-1');
    const latencyMs = performance.now() - pushedAt;
    assert.ok(latencyMs < 1000, `arrived ${Math.round(latencyMs)} ms after the push`);

    await pc2.instance.app.editDevice(added.uuid, { hostname: 'live-2' });
    await pc1.until('outcome', async () => (await pc1.hostnameOf(added.uuid)) === 'live-2');
    const runs = (await pc1.instance.app.log(20)).filter((row) => row.trigger === 'live');
    assert.ok(runs.length > 0, 'the runs were triggered by live events');
    assert.ok(!(await pc1.instance.app.log(50)).some((row) => row.trigger === 'manual' || row.trigger === 'schedule'), 'no one synced by hand or on schedule');
  });

  it('after the cloud restarts, the stream reconnects and a cloud-side edit reaches both instances', async () => {
    const [device] = await pc1.instance.app.listDevices();
    await cloud.pause();
    await Promise.all([pc1.until('live', () => pc1.liveState !== 'open'), pc2.until('live', () => pc2.liveState !== 'open')]);
    await cloud.resume();
    await Promise.all([pc1.until('live', () => pc1.liveState === 'open'), pc2.until('live', () => pc2.liveState === 'open')]);

    await changeCloudDevice(cloud.db, device.uuid, { patch: { hostname: 'set-in-the-cloud' } }, new Date().toISOString());
    await Promise.all([pc1, pc2].map((pc) => pc.until('outcome', async () => (await pc.hostnameOf(device.uuid)) === 'set-in-the-cloud')));
  });

  it('the events stream needs a valid token like every other route', async () => {
    const response = await fetch(`${cloud.url}/api/v1/sync/events`, { headers: { 'x-sitesync-protocol': '1', authorization: 'Bearer sst_wrong-token-0000000000000000' } });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as any).error.code, 'unauthorized');
  });
});
