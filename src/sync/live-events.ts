import { setTimeout as delay } from 'node:timers/promises';
import { serverSentEvents } from './server-sent-events';
import { SyncFailure } from './sync-failure';

export type LiveState = 'connecting' | 'open' | 'down' | 'stopped';

export interface LiveEventsConfig {
  /** Opens the cloud's event stream (`CloudClient.events`). */
  open: (signal: AbortSignal) => Promise<AsyncIterable<Uint8Array | string>>;
  /** Someone else changed the site, or the stream is back after a gap (changes may have been missed): time to pull. */
  onChange: () => void;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
  log?: (message: string) => void;
  onState?: (state: LiveState) => void;
}

export interface LiveEvents {
  state(): LiveState;
  /** The cloud answered a sync: if the stream is waiting out its back-off, try again now. */
  reconnectNow(): void;
  /** Closes the stream and waits until the subscriber has let go of it. */
  stop(): Promise<void>;
}

/**
 * Listens to the cloud's live events for this instance's site (DESIGN §4,
 * live) and says when to pull. While the stream is down it reconnects with
 * exponential back-off and jitter; the worker's schedule goes on meanwhile,
 * so a missing stream only makes changes arrive later. 401 or 426 stop it:
 * the worker reports those.
 */
export function subscribeLiveEvents(config: LiveEventsConfig): LiveEvents {
  const log = config.log ?? (() => {});
  const random = config.random ?? Math.random;
  const backoffBaseMs = config.backoffBaseMs ?? 1_000;
  const backoffMaxMs = config.backoffMaxMs ?? 60_000;
  const abort = new AbortController();
  let wake = new AbortController();
  let state: LiveState = 'connecting';
  const setState = (next: LiveState) => {
    if (next === state) return;
    state = next;
    config.onState?.(next);
  };

  const run = async () => {
    let failures = 0;
    let openedBefore = false;
    while (!abort.signal.aborted) {
      setState('connecting');
      try {
        for await (const { event } of serverSentEvents(await config.open(abort.signal))) {
          if (event === 'ready') {
            failures = 0;
            setState('open');
            if (openedBefore) config.onChange();
            openedBefore = true;
          } else if (event === 'version') {
            config.onChange();
          }
        }
        log('live events: the cloud closed the stream; reconnecting');
      } catch (error) {
        if (abort.signal.aborted) break;
        if (error instanceof SyncFailure && (error.kind === 'unauthorized' || error.kind === 'upgrade')) {
          log(`live events stopped: ${error.message}`);
          break;
        }
        log(`live events down: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (abort.signal.aborted) break;
      setState('down');
      failures++;
      const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (failures - 1));
      wake = new AbortController();
      await delay(ceiling * (0.5 + 0.5 * random()), undefined, { signal: AbortSignal.any([abort.signal, wake.signal]) }).catch(() => {});
    }
    setState('stopped');
  };
  const running = run();

  return {
    state: () => state,
    reconnectNow: () => wake.abort(),
    async stop() {
      abort.abort();
      await running;
    },
  };
}
