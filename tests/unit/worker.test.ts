import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncTrigger } from '../../src/db/local/entities/sync-log.entity';
import { startSyncWorkers, type RunOutcome, type Timers, type WorkerState } from '../../src/sync/worker';
import { until } from '../support/until';

/** Timers the test fires by hand: no real waiting, no sleeps. */
class ManualTimers implements Timers {
  private pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;
  setTimeout(callback: () => void, ms: number) {
    const id = this.next++;
    this.pending.set(id, { callback, ms });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  /** The delays of the timers now waiting. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  fireAll() {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.callback();
  }
}

/** A run the test finishes when it wants, recording each trigger. */
function controllableRun() {
  const triggers: SyncTrigger[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  let finish: (outcome: RunOutcome) => void = () => {};
  const run = (trigger: SyncTrigger) => {
    triggers.push(trigger);
    for (const w of waiting.filter((w) => triggers.length >= w.count)) w.resolve();
    return new Promise<RunOutcome>((resolve) => (finish = resolve));
  };
  /** Resolves once `count` runs have started. */
  const started = (count: number) =>
    new Promise<void>((resolve) => (triggers.length >= count ? resolve() : waiting.push({ count, resolve })));
  return { triggers, run, started, finish: (outcome: RunOutcome = {}) => finish(outcome) };
}

function waitFor(workers: NonNullable<ReturnType<typeof startSyncWorkers>>, predicate: (s: WorkerState) => boolean): Promise<WorkerState> {
  return new Promise((resolve) => {
    if (predicate(workers.state())) return resolve(workers.state());
    const unsubscribe = workers.subscribe((state) => {
      if (predicate(state)) {
        unsubscribe();
        resolve(state);
      }
    });
  });
}

describe('startSyncWorkers', () => {
  it('returns at once in the cloud role, saying why', () => {
    const messages: string[] = [];
    let ran = false;
    const workers = startSyncWorkers({ role: 'cloud', run: async () => ((ran = true), {}), log: (m) => messages.push(m) });
    assert.equal(workers, null);
    assert.equal(ran, false);
    assert.match(messages[0], /cloud role/);
  });

  it('runs at start-up, then on the jittered schedule', async () => {
    const timers = new ManualTimers();
    const run = controllableRun();
    const workers = startSyncWorkers({ role: 'local', run: run.run, timers, intervalMs: 60_000, jitter: 0.1, random: () => 1 })!;
    assert.deepEqual(run.triggers, ['startup']);
    run.finish();
    await waitFor(workers, (s) => s.phase === 'idle');
    assert.deepEqual(timers.delays(), [66_000]);
    timers.fireAll();
    assert.deepEqual(run.triggers, ['startup', 'schedule']);
    run.finish();
    await workers.stop();
  });

  it('never runs twice at once; triggers during a run queue exactly one more', async () => {
    const timers = new ManualTimers();
    const run = controllableRun();
    const workers = startSyncWorkers({ role: 'local', run: run.run, timers })!;
    const a = workers.trigger('manual');
    const b = workers.trigger('manual');
    const c = workers.trigger('live');
    assert.equal(a === b && b === c, true, 'all wait for the same follow-up run');
    assert.deepEqual(run.triggers, ['startup']);
    run.finish();
    await run.started(2);
    assert.deepEqual(run.triggers, ['startup', 'manual']);
    run.finish();
    await a;
    assert.equal(run.triggers.length, 2);
    await workers.stop();
  });

  it('a follow-up run a person asked for is logged as manual, whichever trigger queued it first', async () => {
    const timers = new ManualTimers();
    const run = controllableRun();
    const workers = startSyncWorkers({ role: 'local', run: run.run, timers })!;
    const live = workers.trigger('live');
    const manual = workers.trigger('manual');
    const scheduled = workers.trigger('schedule');
    assert.equal(live === manual && manual === scheduled, true, 'one follow-up run for all three');
    run.finish();
    await run.started(2);
    assert.deepEqual(run.triggers, ['startup', 'manual']);
    run.finish();
    await live;
    // With no person among them, the follow-up keeps the first trigger.
    void workers.trigger('schedule'); // nothing is running: it starts at once
    const followUp = workers.trigger('live');
    assert.equal(workers.trigger('schedule'), followUp, 'a later trigger joins the same follow-up');
    run.finish();
    await run.started(4);
    assert.deepEqual(run.triggers.slice(2), ['schedule', 'live']);
    run.finish();
    await followUp;
    await workers.stop();
  });

  it('backs off exponentially, with jitter and a cap, while offline; resets after a success', async () => {
    const timers = new ManualTimers();
    const run = controllableRun();
    const workers = startSyncWorkers({ role: 'local', run: run.run, timers, backoffBaseMs: 1000, backoffMaxMs: 5000, random: () => 1 })!;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      run.finish({ failure: i % 2 ? 'server' : 'offline' });
      await waitFor(workers, (s) => s.consecutiveFailures === i + 1);
      delays.push(...timers.delays());
      timers.fireAll();
      await run.started(i + 2);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);
    assert.equal(workers.state().phase, 'running');
    run.finish();
    const state = await waitFor(workers, (s) => s.phase === 'idle');
    assert.equal(state.consecutiveFailures, 0);
    await workers.stop();
  });

  it('stops on 401 and reports re-enrol; local edits and live events do not retry, a manual trigger may', async () => {
    const timers = new ManualTimers();
    const run = controllableRun();
    const messages: string[] = [];
    const workers = startSyncWorkers({ role: 'local', run: run.run, timers, log: (m) => messages.push(m) })!;
    run.finish({ failure: 'unauthorized' });
    const state = await waitFor(workers, (s) => s.phase === 'unauthorized');
    assert.equal(state.nextRunAt, null);
    assert.deepEqual(timers.delays(), [], 'nothing scheduled');
    assert.match(messages.join(), /enrol this instance again/);
    void workers.trigger('live');
    void workers.trigger('schedule');
    assert.deepEqual(run.triggers, ['startup'], 'no run until a person asks');
    const again = workers.trigger('manual');
    await run.started(2);
    assert.deepEqual(run.triggers, ['startup', 'manual']);
    run.finish();
    await again;
    await workers.stop();
  });

  it('while refused, asks once per interval whether the data dir was enrolled again, and runs once it was', async () => {
    const timers = new ManualTimers();
    const run = controllableRun();
    let enrolledAgain = false;
    let asked = 0;
    const enrolmentChanged = async () => (asked++, enrolledAgain);
    const workers = startSyncWorkers({ role: 'local', run: run.run, timers, intervalMs: 60_000, enrolmentChanged })!;
    run.finish({ failure: 'unauthorized' });
    await waitFor(workers, (s) => s.phase === 'unauthorized');
    assert.deepEqual(timers.delays(), [60_000], 'one check per interval');
    assert.equal(asked, 0);

    timers.fireAll();
    await until(async () => timers.delays().length === 1, 'the next check is set');
    assert.equal(asked, 1);
    assert.equal(workers.state().phase, 'unauthorized', 'the same enrolment: still refused, no run');
    assert.deepEqual(run.triggers, ['startup']);

    enrolledAgain = true;
    timers.fireAll();
    await run.started(2);
    assert.deepEqual(run.triggers, ['startup', 'schedule']);
    run.finish();
    const resumed = await waitFor(workers, (s) => s.phase === 'idle' && s.nextRunAt !== null);
    assert.equal(resumed.lastFailure, null);
    await workers.stop();
  });

  it('a check still out when Sync now was refused again is dropped: one check chain, none after stop', async () => {
    const timers = new ManualTimers();
    const run = controllableRun();
    let answer: (changed: boolean) => void = () => {};
    const enrolmentChanged = () => new Promise<boolean>((resolve) => (answer = resolve));
    const workers = startSyncWorkers({ role: 'local', run: run.run, timers, intervalMs: 60_000, enrolmentChanged })!;
    run.finish({ failure: 'unauthorized' });
    await waitFor(workers, (s) => s.phase === 'unauthorized');
    timers.fireAll(); // the check goes out, and is slow to answer
    const manual = workers.trigger('manual');
    await run.started(2);
    run.finish({ failure: 'unauthorized' });
    await manual;
    assert.deepEqual(timers.delays(), [60_000], 'the refused Sync now starts the one watch');
    answer(false);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(timers.delays(), [60_000], 'the old check answering starts no second chain');
    await workers.stop();
    assert.deepEqual(timers.delays(), [], 'nothing left after stop');
  });

  it('stops cleanly: aborts the run between pages and waits for it', async () => {
    let signal: AbortSignal | null = null;
    let finish = () => {};
    const workers = startSyncWorkers({
      role: 'local',
      timers: new ManualTimers(),
      run: (_t, _p, s) => {
        signal = s;
        return new Promise((resolve) => (finish = () => resolve({})));
      },
    })!;
    const stopped = workers.stop();
    assert.equal(signal!.aborted, true);
    let done = false;
    void stopped.then(() => (done = true));
    await Promise.resolve();
    assert.equal(done, false, 'waits for the run under way');
    finish();
    await stopped;
    assert.equal(workers.state().phase, 'stopped');
    await workers.trigger('manual');
  });

  it('reports progress to subscribers', async () => {
    const seen: number[] = [];
    const workers = startSyncWorkers({
      role: 'local',
      timers: new ManualTimers(),
      run: async (_t, onProgress) => {
        onProgress({ phase: 'pull', done: 1, total: 2 });
        onProgress({ phase: 'pull', done: 2, total: 2 });
        return {};
      },
    })!;
    workers.subscribe((s) => s.progress && seen.push(s.progress.done));
    await workers.trigger('manual');
    assert.deepEqual(seen, [1, 2]);
    await workers.stop();
  });
});
