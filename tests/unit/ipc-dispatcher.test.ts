import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ContractDispatcher } from '../../src/app/contract-dispatcher';
import { contractHandlers } from '../../src/app/contract-handlers';
import { DesktopSession } from '../../src/app/desktop-session';
import { callSpec, ipcChannels, ipcContract, type CallOutcome } from '../../src/contract/ipc';
import { tempDir } from '../support/temp-dir';
import { startTestCloud, type TestCloud } from '../support/test-cloud';

const RENDERER = 'sitesync://app/index.html';
const trusted = (url: string | null) => url === RENDERER;

function failure(outcome: CallOutcome<unknown>) {
  assert.equal(outcome.ok, false, `expected a refusal, got ${JSON.stringify(outcome)}`);
  return (outcome as Extract<CallOutcome<unknown>, { ok: false }>).error;
}

function value<T>(outcome: CallOutcome<unknown>): T {
  assert.ok(outcome.ok, `expected success, got ${JSON.stringify(outcome)}`);
  return outcome.value as T;
}

describe('IPC contract', () => {
  it('names every channel once, each with an input and a result schema', () => {
    const channels = ipcChannels();
    assert.equal(new Set(channels).size, channels.length);
    for (const channel of channels) {
      const spec = callSpec(channel);
      assert.ok(spec?.input && spec.result, channel);
    }
    assert.equal(callSpec('devices.nope'), null);
    assert.equal(callSpec('toString.call'), null);
    assert.equal(callSpec('devices.list.extra'), null);
  });

  it('has a handler function for every channel', () => {
    const handlers = contractHandlers({ app: {} } as unknown as DesktopSession) as unknown as Record<string, Record<string, unknown>>;
    for (const [area, calls] of Object.entries(ipcContract)) {
      assert.deepEqual(Object.keys(handlers[area]).sort(), Object.keys(calls).sort(), `handlers of ${area}`);
      for (const name of Object.keys(calls)) assert.equal(typeof handlers[area][name], 'function', `${area}.${name}`);
    }
    assert.deepEqual(Object.keys(handlers).sort(), Object.keys(ipcContract).sort());
  });
});

describe('ContractDispatcher', () => {
  let cloud: TestCloud;
  let dir: ReturnType<typeof tempDir>;
  let session: DesktopSession;
  let dispatcher: ContractDispatcher;
  const refusedSenders: string[] = [];

  before(async () => {
    cloud = await startTestCloud();
    dir = tempDir('sitesync-ipc-');
    session = await DesktopSession.open({ dataDir: dir.path });
    dispatcher = new ContractDispatcher(contractHandlers(session), trusted, (m) => refusedSenders.push(m));
  });

  after(async () => {
    await session.close();
    await cloud.stop();
    dir.remove();
  });

  it('refuses a call from a foreign sender before reading its arguments', async () => {
    const error = failure(await dispatcher.dispatch('devices.list', {}, 'https://evil.example/'));
    assert.equal(error.code, 'forbidden');
    assert.equal(failure(await dispatcher.dispatch('status.get', {}, null)).code, 'forbidden');
    assert.match(refusedSenders[0], /evil\.example/);
  });

  it('refuses an unknown channel', async () => {
    assert.equal(failure(await dispatcher.dispatch('devices.drop', {}, RENDERER)).code, 'unknown_channel');
  });

  it('refuses bad arguments, naming the field and the form it expects', async () => {
    const notAnObject = failure(await dispatcher.dispatch('devices.list', 'all', RENDERER));
    assert.equal(notAnObject.code, 'invalid');
    const extra = failure(await dispatcher.dispatch('status.get', { verbose: true }, RENDERER));
    assert.match(extra.message, /unexpected field\(s\) verbose/);
    const badUuid = failure(await dispatcher.dispatch('devices.get', { uuid: 'x' }, RENDERER));
    assert.deepEqual(badUuid.issues?.map((i) => i.field), ['uuid']);
    assert.match(badUuid.message, /expected a UUID/);
    const interval = failure(await dispatcher.dispatch('settings.update', { syncIntervalSeconds: 1 }, RENDERER));
    assert.match(interval.message, /syncIntervalSeconds: expected at least 10 seconds/);
  });

  it('refuses a bad MAC with the domain rule, so nothing is stored', async () => {
    await session.enrol(cloud.url, await cloud.enroll('ipc-site'));
    const error = failure(await dispatcher.dispatch('devices.add', { fields: { mac: 'not-a-mac', hostname: 'sw-1' } }, RENDERER));
    assert.deepEqual(error.issues?.map((i) => i.field), ['fields.mac']);
    assert.match(error.issues![0].message, /expected a MAC address like aa:bb:cc:dd:ee:ff/);
    assert.deepEqual(value(await dispatcher.dispatch('devices.list', {}, RENDERER)), []);
  });

  it('answers with values that match the result schemas', async () => {
    const added = value<{ uuid: string }>(await dispatcher.dispatch('devices.add', { fields: { mac: 'AA-BB-CC-00-11-22', ip: '10.0.0.5' } }, RENDERER));
    ipcContract.devices.add.result.parse(added);
    const listed = value(await dispatcher.dispatch('devices.list', {}, RENDERER));
    assert.deepEqual(ipcContract.devices.list.result.parse(listed).map((d) => [d.mac, d.pending]), [['aa:bb:cc:00:11:22', true]]);
    await session.syncNow();
    const synced = ipcContract.devices.list.result.parse(value(await dispatcher.dispatch('devices.list', {}, RENDERER)));
    assert.equal(synced[0].pending, false);
    ipcContract.status.get.result.parse(value(await dispatcher.dispatch('status.get', {}, RENDERER)));
    ipcContract.log.list.result.parse(value(await dispatcher.dispatch('log.list', { limit: 5 }, RENDERER)));
    ipcContract.sync.state.result.parse(value(await dispatcher.dispatch('sync.state', {}, RENDERER)));
    ipcContract.settings.get.result.parse(value(await dispatcher.dispatch('settings.get', {}, RENDERER)));
  });

  it('turns a failure of the core into a described error, not a throw', async () => {
    const missing = failure(await dispatcher.dispatch('devices.get', { uuid: '0b6f3c52-9a8e-4c1e-8b7d-2f3a4b5c6d7e' }, RENDERER));
    assert.equal(missing.code, 'not_found');
    const duplicate = failure(await dispatcher.dispatch('devices.add', { fields: { mac: 'aa:bb:cc:00:11:22' } }, RENDERER));
    assert.deepEqual(duplicate.issues?.map((i) => i.field), ['mac']);
  });
});
