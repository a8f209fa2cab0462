import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemoteDevice } from '../../src/contract/device';
import { emptyFields, pickFields, type Device } from '../../src/domain/device';
import { mergeFields } from '../../src/domain/merge-fields';
import type { LocalRecord } from '../../src/db/local/device-store';
import { decideMerge } from '../../src/sync/merge';

const UUID = '0b6f3c52-9a8e-4c1e-8b7d-2f3a4b5c6d7e';
const base: Device = { uuid: UUID, siteId: 'hq', ...emptyFields(), mac: 'aa:bb:cc:dd:ee:01', ip: '10.0.0.1', hostname: 'h1', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', deletedAt: null };

function remote(changes: Partial<RemoteDevice>, version = 2): RemoteDevice {
  return { ...base, ...changes, version };
}

function local(changes: Partial<Device>, dirty: boolean, extra: Partial<LocalRecord> = {}): LocalRecord {
  return { device: { ...base, ...changes }, localSeq: dirty ? 5 : 3, pushedSeq: 3, baseVersion: 1, base: pickFields(base), rejectedSeq: null, rejectedReason: null, conflictVersion: null, ...extra };
}

describe('mergeFields', () => {
  it('takes each side’s change and flags only fields changed on both sides to different values', () => {
    const b = pickFields(base);
    const { merged, conflicting } = mergeFields(b, { ...b, ip: '10.0.0.2', notes: 'same' }, { ...b, hostname: 'h2', ip: '10.0.0.3', notes: 'same' });
    assert.equal(merged.hostname, 'h2');
    assert.equal(merged.notes, 'same');
    assert.deepEqual(conflicting, ['ip']);
  });
});

describe('decideMerge (applyUpdate’s decision)', () => {
  it('inserts a device not present locally and records the remote as its base', () => {
    const decision = decideMerge(remote({}), null);
    assert.equal(decision.outcome, 'applied');
    assert.deepEqual(decision.syncState, { uuid: UUID, baseVersion: 2, base: null });
  });

  it('takes the remote over a clean local device', () => {
    const decision = decideMerge(remote({ ip: '10.9.9.9' }), local({}, false));
    assert.equal(decision.device?.device.ip, '10.9.9.9');
    assert.equal(decision.device?.localSeq, decision.device?.pushedSeq, 'stays clean');
  });

  it('ignores an echo of a version already agreed on', () => {
    assert.equal(decideMerge(remote({}, 1), local({ ip: '10.0.0.7' }, true)).outcome, 'unchanged');
  });

  it('merges disjoint edits, stays dirty against the remote version', () => {
    const decision = decideMerge(remote({ hostname: 'h2' }), local({ ip: '10.0.0.2' }, true));
    assert.equal(decision.outcome, 'applied');
    assert.equal(decision.device?.device.hostname, 'h2');
    assert.equal(decision.device?.device.ip, '10.0.0.2');
    assert.equal(decision.device?.localSeq, null, 'a new local change to push');
    assert.equal(decision.syncState?.baseVersion, 2);
  });

  it('opens an update conflict and writes nothing when the same field changed on both sides', () => {
    const decision = decideMerge(remote({ ip: '10.0.0.3' }), local({ ip: '10.0.0.2' }, true));
    assert.equal(decision.outcome, 'conflict');
    assert.equal(decision.device, undefined);
    assert.equal(decision.conflict?.kind, 'update');
    assert.deepEqual(decision.conflict?.fields, ['ip']);
    assert.equal(decision.conflict?.local.ip, '10.0.0.2');
    assert.equal(decision.conflict?.remote.ip, '10.0.0.3');
    assert.equal(decision.conflict?.base?.ip, '10.0.0.1');
  });

  it('soft-deletes a clean device on a remote tombstone', () => {
    const decision = decideMerge(remote({ ...emptyFields(), mac: base.mac, deletedAt: '2026-02-01T00:00:00.000Z' }), local({}, false));
    assert.ok(decision.device?.device.deletedAt);
    assert.equal(decision.device?.device.hostname, null);
    assert.equal(decision.device?.device.mac, base.mac);
  });

  it('opens a delete conflict when a dirty device meets a remote tombstone', () => {
    const decision = decideMerge(remote({ deletedAt: '2026-02-01T00:00:00.000Z' }), local({ notes: 'edited' }, true));
    assert.equal(decision.conflict?.kind, 'delete');
    assert.deepEqual(decision.conflict?.fields, ['notes']);
  });

  it('refreshes an open conflict with newer cloud values instead of merging', () => {
    const decision = decideMerge(remote({ hostname: 'h3' }, 3), local({ ip: '10.0.0.2' }, true, { conflictVersion: 2 }));
    assert.equal(decision.outcome, 'conflict');
    assert.equal(decision.conflict?.remoteVersion, 3);
  });
});
