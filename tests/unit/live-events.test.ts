import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { describe, it } from 'node:test';
import { subscribeLiveEvents, type LiveEventsConfig, type LiveState } from '../../src/sync/live-events';
import { serverSentEvents } from '../../src/sync/server-sent-events';
import { SyncFailure } from '../../src/sync/sync-failure';

/** An open that never connects, as a real one does when aborted: it rejects. */
const hang = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

async function* chunks(...parts: string[]) {
  for (const part of parts) yield Buffer.from(part);
}

/** A subscriber whose every state change and pull request is an event the test can wait on. */
function watch(open: LiveEventsConfig['open']) {
  const events = new EventEmitter();
  const states: LiveState[] = [];
  let changes = 0;
  const live = subscribeLiveEvents({
    open,
    backoffBaseMs: 1,
    random: () => 1,
    onChange: () => events.emit('change', ++changes),
    onState: (state) => {
      states.push(state);
      events.emit(state);
    },
  });
  return { live, events, states, changes: () => changes };
}

describe('serverSentEvents', () => {
  it('splits events across chunk borders, skips comments, joins data lines', async () => {
    const parsed = [];
    for await (const event of serverSentEvents(chunks(': keep-alive\n\nevent: rea', 'dy\ndata: {"a":1}\n\r\n', 'data: x\ndata: y\n\nevent: version\n', 'data: 7\n\n'))) parsed.push(event);
    assert.deepEqual(parsed, [
      { event: 'ready', data: '{"a":1}' },
      { event: 'message', data: 'x\ny' },
      { event: 'version', data: '7' },
    ]);
  });
});

describe('subscribeLiveEvents', () => {
  it('asks for a pull on each version event, not on the first ready', async () => {
    let opened = 0;
    const { live, events, changes } = watch(async (signal) => (++opened === 1 ? chunks('event: ready\ndata: {}\n\nevent: version\ndata: {}\n\n') : hang(signal)));
    await once(events, 'change');
    await once(events, 'connecting');
    assert.equal(changes(), 1);
    await live.stop();
  });

  it('reconnects with back-off while the cloud is unreachable; back again, it asks for a pull to catch up', async () => {
    const offline = async () => {
      throw new SyncFailure('offline', 'cloud unreachable');
    };
    const ready = async () => chunks('event: ready\ndata: {}\n\n');
    const script = [offline, offline, ready, ready, hang];
    const { live, events, states, changes } = watch((signal) => script.shift()!(signal));
    await once(events, 'change');
    assert.deepEqual(states, ['down', 'connecting', 'down', 'connecting', 'open', 'down', 'connecting', 'open']);
    assert.equal(changes(), 1, 'the first ready is no reconnection; the second is');
    await live.stop();
    assert.equal(live.state(), 'stopped');
  });

  it('stops for good on 401: the worker reports re-enrol', async () => {
    let attempts = 0;
    const { live, events } = watch(async () => {
      attempts++;
      throw new SyncFailure('unauthorized', 'cloud answered 401');
    });
    await once(events, 'stopped');
    assert.equal(attempts, 1);
    await live.stop();
  });
});

describe('subscribeLiveEvents, told the cloud is back', () => {
  it('cuts its back-off short and reconnects at once', { timeout: 10_000 }, async () => {
    let opened = 0;
    const events = new EventEmitter();
    const live = subscribeLiveEvents({
      open: async (signal) => {
        if (++opened === 1) throw new SyncFailure('offline', 'cloud unreachable');
        return opened === 2 ? chunks('event: ready\ndata: {}\n\n') : hang(signal);
      },
      // A back-off far longer than the test may take: only reconnectNow can end it.
      backoffBaseMs: 3_600_000,
      random: () => 1,
      onChange: () => {},
      onState: (state) => events.emit(state),
    });
    await once(events, 'down');
    live.reconnectNow();
    await once(events, 'open');
    assert.equal(opened, 2);
    await live.stop();
  });
});
