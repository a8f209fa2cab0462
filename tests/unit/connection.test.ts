import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionOf } from '../../renderer/src/connection';
import { NOT_STARTED, type Status, type WorkerStateView } from '../../src/contract/ipc';

const online = { connection: 'online' } as Status;
const running = (live: WorkerStateView['live']): WorkerStateView => ({ ...NOT_STARTED, phase: 'idle', live });

describe('the header pill says whether changes from elsewhere arrive at once', () => {
  it('online with the live stream open: Live', () => {
    assert.equal(connectionOf(online, running('open')).label, 'Live');
  });

  it('online with the live stream down: Online, and the detail says changes wait for the schedule', () => {
    const view = connectionOf(online, running('down'));
    assert.equal(view.label, 'Online');
    assert.match(view.detail, /live updates are down.*next scheduled sync/);
  });

  it('a cloud that answers but refuses for now (429, 5xx) is busy, not offline', () => {
    const backingOff: WorkerStateView = { ...NOT_STARTED, phase: 'backoff', live: 'down' };
    assert.equal(connectionOf({ connection: 'unknown' } as Status, backingOff).label, 'Cloud busy');
    assert.equal(connectionOf({ connection: 'offline' } as Status, backingOff).label, 'Offline');
  });

  it('an enrolment this PC will not use says why, in the words of its refusal', () => {
    const refusal = "this PC is enrolled at http://10.0.0.5:8080, and plain http:// only to this PC itself: give it the cloud's https:// address";
    const view = connectionOf({ connection: 'unauthorized', refusal } as Status, { ...NOT_STARTED, phase: 'unauthorized', live: 'down' });
    assert.deepEqual([view.label, view.detail], ['Re-enrol', refusal]);
  });

  it('offline wins over a stream state', () => {
    assert.equal(connectionOf({ connection: 'offline' } as Status, running('open')).label, 'Offline');
  });
});
