import type { SyncTrigger } from '../db/local/entities/sync-log.entity';
import type { SyncProgress } from './sync-context';
import type { FailureKind } from './sync-failure';

/** What one run of the workers reports back: the failure kind decides back-off or stop. */
export interface RunOutcome {
  failure?: FailureKind;
}

export type RunSync = (trigger: SyncTrigger, onProgress: (progress: SyncProgress) => void, signal: AbortSignal) => Promise<RunOutcome>;

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncWorkersConfig {
  role: 'local' | 'cloud';
  /** One push-then-pull; the app's `sync`. */
  run: RunSync;
  intervalMs?: number;
  /** ± this fraction of the interval, so a fleet of PCs does not sync in lock-step. */
  jitter?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
  log?: (message: string) => void;
  /**
   * While refused (401, 426): whether the data dir was enrolled again since
   * (`sitesync init` beside the app). Asked once per interval, without the
   * network; a yes starts a run. Without it, only a person's Sync now does.
   */
  enrolmentChanged?: () => Promise<boolean>;
}

export type WorkerPhase = 'idle' | 'running' | 'backoff' | 'unauthorized' | 'upgrade-required' | 'stopped';

export interface WorkerState {
  phase: WorkerPhase;
  /** When the next scheduled run starts (epoch ms), or null. */
  nextRunAt: number | null;
  consecutiveFailures: number;
  lastFailure: FailureKind | null;
  progress: SyncProgress | null;
}

export type WorkerListener = (state: WorkerState) => void;

export interface SyncWorkers {
  /** Asks for a sync; resolves when a run that began after this call has finished. */
  trigger(trigger: SyncTrigger): Promise<void>;
  state(): WorkerState;
  /** Returns the unsubscribe function. */
  subscribe(listener: WorkerListener): () => void;
  /** Stops the schedule, aborts between pages, and waits for the current run. */
  stop(): Promise<void>;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The push and pull workers of the local role (DESIGN §6): a run at start-up,
 * then on a jittered schedule, on demand, and on live events. Never two runs
 * at once; a trigger during a run queues exactly one more. Offline or 5xx
 * backs off exponentially; 401 stops until enrolled again (in the app,
 * or beside it: `enrolmentChanged`).
 */
export function startSyncWorkers(config: SyncWorkersConfig): SyncWorkers | null {
  const log = config.log ?? (() => {});
  if (config.role !== 'local') {
    log('sync workers not started: the cloud role has no local database to sync');
    return null;
  }
  const timers = config.timers ?? realTimers;
  const now = config.now ?? Date.now;
  const random = config.random ?? Math.random;
  const intervalMs = config.intervalMs ?? 60_000;
  const jitter = config.jitter ?? 0.1;
  const backoffBaseMs = config.backoffBaseMs ?? 2_000;
  const backoffMaxMs = config.backoffMaxMs ?? 5 * 60_000;

  const listeners = new Set<WorkerListener>();
  let state: WorkerState = { phase: 'idle', nextRunAt: null, consecutiveFailures: 0, lastFailure: null, progress: null };
  let timer: unknown = null;
  let current: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  let queuedKind: SyncTrigger | null = null;
  let stopped = false;
  const abort = new AbortController();

  const update = (changes: Partial<WorkerState>) => {
    state = { ...state, ...changes };
    for (const listener of listeners) listener(state);
  };

  const schedule = (delayMs: number) => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      timer = null;
      void trigger('schedule');
    }, delayMs);
    update({ nextRunAt: now() + delayMs });
  };

  /** Counts the watches begun: a question still out when a newer watch began (after another refused run) is dropped. */
  let watches = 0;
  /** Asks `enrolmentChanged` every interval while refused; a new enrolment ends the refusal with a run. */
  const watchForNewEnrolment = (refused: WorkerPhase) => {
    const { enrolmentChanged } = config;
    if (!enrolmentChanged) return;
    const watch = ++watches;
    const current = () => !stopped && state.phase === refused && watch === watches;
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(async () => {
      timer = null;
      if (!current()) return;
      const changed = await enrolmentChanged().catch(() => false);
      // A stop, or a person's Sync now, may have come while the question was out.
      if (!current()) return;
      if (!changed) return watchForNewEnrolment(refused);
      log('the data dir was enrolled again: sync resumes');
      update({ phase: 'idle' });
      void trigger('schedule');
    }, intervalMs);
  };

  const afterRun = (outcome: RunOutcome) => {
    const failure = outcome.failure ?? null;
    if (failure === null) {
      update({ phase: 'idle', consecutiveFailures: 0, lastFailure: null, progress: null });
      schedule(intervalMs * (1 - jitter + 2 * jitter * random()));
    } else if (failure === 'unauthorized' || failure === 'upgrade') {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      log(failure === 'unauthorized' ? 'sync stopped: the cloud refused the token; enrol this instance again' : 'sync stopped: the cloud needs a newer app');
      const refused = failure === 'unauthorized' ? 'unauthorized' : 'upgrade-required';
      update({ phase: refused, lastFailure: failure, nextRunAt: null, progress: null });
      watchForNewEnrolment(refused);
    } else {
      const failures = state.consecutiveFailures + 1;
      const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (failures - 1));
      update({ phase: 'backoff', consecutiveFailures: failures, lastFailure: failure, progress: null });
      // "Full jitter": anywhere between half and all of the ceiling.
      schedule(ceiling * (0.5 + 0.5 * random()));
    }
  };

  const runOnce = async (trigger: SyncTrigger): Promise<RunOutcome> => {
    update({ phase: 'running', nextRunAt: null });
    try {
      return await config.run(trigger, (progress) => update({ progress }), abort.signal);
    } catch (error) {
      log(`sync run failed: ${error instanceof Error ? error.message : String(error)}`);
      return { failure: 'server' };
    }
  };

  function trigger(kind: SyncTrigger): Promise<void> {
    if (stopped) return Promise.resolve();
    // Refused for good until a person acts: only they try again (Sync now), not every local edit or live event.
    if ((state.phase === 'unauthorized' || state.phase === 'upgrade-required') && kind !== 'manual') return Promise.resolve();
    if (current) {
      // One follow-up run covers every trigger that arrives while a run is under way. It runs as the
      // first of them, unless a person asked: then the audit log says so (a "manual" run).
      if (queuedKind === null || kind === 'manual') queuedKind = kind;
      queued ??= current.then(() => {
        const follow = queuedKind!;
        queuedKind = null;
        return trigger(follow);
      });
      return queued;
    }
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    current = runOnce(kind).then((outcome) => {
      // Free the slot first, so a timer or trigger fired by afterRun's listeners starts a run at once.
      current = null;
      queued = null;
      if (!stopped) afterRun(outcome);
    });
    return current;
  }

  void trigger('startup');

  return {
    trigger,
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      abort.abort();
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      await current;
      update({ phase: 'stopped', nextRunAt: null, progress: null });
    },
  };
}
