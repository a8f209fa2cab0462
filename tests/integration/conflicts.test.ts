import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { ConflictEntity } from '../../src/db/local/entities/conflict.entity';
import { pickFields } from '../../src/domain/device';
import { resolveDeviceConflict } from '../../src/sync/conflicts';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';

describe('conflicts between two instances', () => {
  let cloud: TestCloud;
  let pc1: TestInstance;
  let pc2: TestInstance;
  let uuid: string;

  beforeEach(async () => {
    cloud = await startTestCloud();
    pc1 = await startTestInstance(cloud, 'hq');
    pc2 = await startTestInstance(cloud, 'hq');
    uuid = (await pc1.app.addDevice({ mac: 'aa:bb:cc:00:00:10', ip: '10.0.0.10', hostname: 'printer-2f', location: 'floor 2' })).uuid;
    await pc1.sync();
    await pc2.sync();
  });

  afterEach(async () => {
    await pc1.close();
    await pc2.close();
    await cloud.stop();
  });

  /** Both instances and the cloud hold the same live values for the device. */
  async function assertConverged() {
    await pc1.sync();
    await pc2.sync();
    await pc1.sync();
    const a = await pc1.device(uuid);
    const b = await pc2.device(uuid);
    const [c] = (await listCloudDevices(cloud.db, 'hq', true)).filter((d) => d.uuid === uuid);
    assert.deepEqual(pickFields(a), pickFields(b));
    assert.deepEqual(pickFields(a), pickFields(c));
    assert.equal(a.deletedAt === null, c.deletedAt === null);
    assert.equal(b.deletedAt === null, c.deletedAt === null);
    assert.equal((await pc1.app.status()).pendingChanges, 0);
    assert.equal((await pc2.app.status()).pendingChanges, 0);
    return a;
  }

  it('resolveDeviceConflict, in the caller\'s transaction, records who chose what and writes the chosen values with sync_state based on the cloud version', async () => {
    await pc1.app.editDevice(uuid, { hostname: 'from-pc1' });
    await pc2.app.editDevice(uuid, { hostname: 'from-pc2', notes: 'kept' });
    await pc1.sync();
    await pc2.sync();
    const [open] = await pc2.app.listConflicts();
    const resolved = await pc2.app.db.write((tx) =>
      resolveDeviceConflict(tx, open.id, { fields: { hostname: { from: 'local' } } }, { now: '2026-12-01T12:00:00.000Z', resolvedBy: 'a technician', remoteVersion: open.remoteVersion }),
    );
    assert.deepEqual([resolved.resolvedAt, resolved.resolution], ['2026-12-01T12:00:00.000Z', { take: 'fields', choices: { hostname: { from: 'local', value: 'from-pc2' } }, resolvedBy: 'a technician' }]);
    const [state]: { base_version: number }[] = await pc2.app.db.read((r) => r.query('SELECT base_version FROM sync_state WHERE device_uuid = ?', [uuid]));
    assert.equal(state.base_version, open.remoteVersion, 'sync_state: the resolution is based on the cloud version it was decided against');
    const device = await assertConverged();
    assert.deepEqual([device.hostname, device.notes], ['from-pc2', 'kept']);
  });

  it('edits of different fields merge with no conflict', async () => {
    await pc1.app.editDevice(uuid, { ip: '10.0.0.11' });
    await pc2.app.editDevice(uuid, { location: 'floor 3' });
    await pc1.sync();
    const outcome = await pc2.sync();
    assert.equal(outcome.push?.conflicts, 0);
    assert.deepEqual(await pc2.app.listConflicts(), []);
    const device = await assertConverged();
    assert.equal(device.ip, '10.0.0.11');
    assert.equal(device.location, 'floor 3');
  });

  it('the same field edited on both sides opens one update conflict and keeps local values until resolved', async () => {
    await pc1.app.editDevice(uuid, { ip: '10.0.0.21' });
    await pc2.app.editDevice(uuid, { ip: '10.0.0.22', notes: 'moved' });
    await pc1.sync();
    const outcome = await pc2.sync();
    assert.equal(outcome.push?.conflicts, 1);
    assert.equal(outcome.push?.status, 'partial');

    const conflicts = await pc2.app.listConflicts();
    assert.equal(conflicts.length, 1);
    const [conflict] = conflicts;
    assert.equal(conflict.kind, 'update');
    assert.deepEqual(conflict.fields, ['ip']);
    assert.equal(conflict.base?.ip, '10.0.0.10');
    assert.equal(conflict.local.ip, '10.0.0.22');
    assert.equal(conflict.remote.ip, '10.0.0.21');
    assert.equal((await pc2.device(uuid)).ip, '10.0.0.22', 'local value untouched');

    // Syncing again neither loses the local edit nor opens a second conflict.
    await pc2.sync();
    assert.equal((await pc2.app.listConflicts()).length, 1);
    assert.equal((await pc2.device(uuid)).ip, '10.0.0.22');
    const [cloudCopy] = await listCloudDevices(cloud.db, 'hq', false);
    assert.equal(cloudCopy.ip, '10.0.0.21', 'cloud not overwritten');
  });

  async function conflictOnIp() {
    await pc1.app.editDevice(uuid, { ip: '10.0.0.31', hostname: 'printer-2f-a' });
    await pc2.app.editDevice(uuid, { ip: '10.0.0.32', notes: 'toner low' });
    await pc1.sync();
    await pc2.sync();
    const [conflict] = await pc2.app.listConflicts();
    assert.ok(conflict, 'a conflict is open');
    return conflict;
  }

  it('resolving by taking this PC pushes the local values everywhere', async () => {
    const conflict = await conflictOnIp();
    const resolved = await pc2.app.resolveConflict(conflict.id, { take: 'local' });
    assert.equal(resolved.resolution?.take, 'local');
    assert.equal(resolved.resolution?.resolvedBy, 'tester');
    assert.ok(resolved.resolvedAt);
    const device = await assertConverged();
    assert.equal(device.ip, '10.0.0.32');
    assert.equal(device.notes, 'toner low');
  });

  it('resolving by taking the cloud discards the local values explicitly', async () => {
    const conflict = await conflictOnIp();
    await pc2.app.resolveConflict(conflict.id, { take: 'cloud' });
    const device = await assertConverged();
    assert.equal(device.ip, '10.0.0.31');
    assert.equal(device.hostname, 'printer-2f-a');
    assert.equal(device.notes, null);
    const [stored] = await pc2.app.listConflicts({ all: true });
    assert.equal(stored.resolution?.choices.ip?.from, 'cloud');
  });

  it('resolving per field keeps undisputed edits of both sides and the typed value', async () => {
    const conflict = await conflictOnIp();
    await pc2.app.resolveConflict(conflict.id, { fields: { ip: { value: '10.0.0.33' } } });
    const device = await assertConverged();
    assert.equal(device.ip, '10.0.0.33');
    assert.equal(device.hostname, 'printer-2f-a', 'remote-only edit kept');
    assert.equal(device.notes, 'toner low', 'local-only edit kept');
  });

  it('a choice for a field nobody disputes is refused naming the disputed ones, and nothing is written', async () => {
    const conflict = await conflictOnIp();
    const before = await pc2.device(uuid);
    await assert.rejects(
      pc2.app.resolveConflict(conflict.id, { fields: { hostname: { from: 'local' } } }),
      /hostname: expected a choice for a disputed field \(ip\)/,
    );
    assert.deepEqual(await pc2.device(uuid), before);
    assert.equal((await pc2.app.listConflicts()).length, 1, 'still open');
  });

  it('a typed value is validated like any input and nothing is written when it is bad', async () => {
    const conflict = await conflictOnIp();
    await assert.rejects(pc2.app.resolveConflict(conflict.id, { fields: { ip: { value: '300.1.1.1' } } }), /ip: expected an IPv4 address/);
    assert.equal((await pc2.app.listConflicts()).length, 1);
    assert.equal((await pc2.device(uuid)).ip, '10.0.0.32');
  });

  it('a decision against stale cloud values is answered with a fresh conflict, never overwriting unseen work', async () => {
    const conflict = await conflictOnIp();
    await pc1.app.editDevice(uuid, { ip: '10.0.0.39' });
    await pc1.sync();
    await pc2.app.resolveConflict(conflict.id, { take: 'local' });
    await pc2.sync();
    const [fresh] = await pc2.app.listConflicts();
    assert.ok(fresh && fresh.id !== conflict.id, 'a new conflict opened');
    assert.equal(fresh.remote.ip, '10.0.0.39');
    const [cloudCopy] = await listCloudDevices(cloud.db, 'hq', false);
    assert.equal(cloudCopy.ip, '10.0.0.39');
  });

  it('a decision made against cloud values a pull has replaced since is refused, and nothing is written', async () => {
    const shown = await conflictOnIp();
    await pc1.app.editDevice(uuid, { ip: '10.0.0.39', notes: 'patched' });
    await pc1.sync();
    await pc2.app.sync({ direction: 'pull' });
    await assert.rejects(
      pc2.app.resolveConflict(shown.id, { take: 'local' }, shown.remoteVersion),
      /remoteVersion: expected the cloud version conflict \d+ holds now, \d+; the decision was made against version \d+/,
    );
    const [open] = await pc2.app.listConflicts();
    assert.equal(open.id, shown.id, 'still open');
    assert.equal(open.remote.ip, '10.0.0.39', 'showing the newer cloud values');
    assert.equal((await pc2.app.status()).pendingChanges, 1, 'nothing new to push');

    await pc2.app.resolveConflict(open.id, { take: 'cloud' }, open.remoteVersion);
    const device = await assertConverged();
    assert.equal(device.ip, '10.0.0.39');
    assert.equal(device.notes, 'patched');
  });

  it('deleting a device while an update conflict holds it makes a delete conflict; taking the cloud restores its values', async () => {
    await conflictOnIp();
    await pc2.app.deleteDevice(uuid);
    const [conflict] = await pc2.app.listConflicts();
    assert.equal(conflict.kind, 'delete');
    assert.ok(conflict.local.deletedAt, 'the conflict shows the deletion');
    assert.deepEqual(conflict.fields, ['hostname', 'ip'], 'what the cloud changed, which deleting would discard');
    await assert.rejects(pc2.app.resolveConflict(conflict.id, { fields: { ip: { from: 'cloud' } } }), /resolution: expected take local or take cloud/);

    await pc2.app.resolveConflict(conflict.id, { take: 'cloud' });
    const device = await assertConverged();
    assert.equal(device.deletedAt, null);
    assert.deepEqual(
      { ip: device.ip, hostname: device.hostname, location: device.location, mac: device.mac },
      { ip: '10.0.0.31', hostname: 'printer-2f-a', location: 'floor 2', mac: 'aa:bb:cc:00:00:10' },
    );
  });

  it('a conflict an older build stored before local edits refreshed it is judged on the device as it is now', async () => {
    await conflictOnIp();
    await pc2.app.deleteDevice(uuid);
    const [conflict] = await pc2.app.listConflicts();
    // What a build without the refresh left behind: an update conflict on a device deleted here.
    await pc2.app.db.write((tx) => tx.getRepository(ConflictEntity).update({ id: conflict.id }, { kind: 'update', fields: ['ip'], local: { ...conflict.local, deletedAt: null } }));
    await assert.rejects(pc2.app.resolveConflict(conflict.id, { fields: { ip: { from: 'cloud' } } }), /resolution: expected take local or take cloud/);
    const resolved = await pc2.app.resolveConflict(conflict.id, { take: 'local' });
    assert.equal(resolved.kind, 'delete');
    assert.ok((await assertConverged()).deletedAt, 'deleted everywhere, as chosen');
  });

  it('a field edited here while a conflict is open joins the dispute, and takes the cloud value unless named', async () => {
    await pc1.app.editDevice(uuid, { hostname: 'printer-3f', location: 'floor 3' });
    await pc1.sync();
    await pc2.app.editDevice(uuid, { hostname: 'printer-4f' });
    await pc2.sync();
    assert.deepEqual((await pc2.app.listConflicts())[0].fields, ['hostname']);

    await pc2.app.editDevice(uuid, { location: 'floor 4' });
    const [conflict] = await pc2.app.listConflicts();
    assert.deepEqual(conflict.fields, ['hostname', 'location']);
    assert.equal(conflict.local.location, 'floor 4', 'the conflict shows what this PC holds now');

    const resolved = await pc2.app.resolveConflict(conflict.id, { fields: { hostname: { from: 'cloud' } } });
    assert.deepEqual(resolved.resolution?.choices.location, { from: 'cloud', value: 'floor 3' });
    const device = await assertConverged();
    assert.equal(device.hostname, 'printer-3f');
    assert.equal(device.location, 'floor 3', "the other PC's edit is not overwritten unasked");
  });

  it('a merge that would leave neither MAC nor asset tag is a conflict on both, and a resolution without either is refused', async () => {
    await pc1.app.editDevice(uuid, { assetTag: 'T-1' });
    await pc1.sync();
    await pc2.sync();
    await pc1.app.editDevice(uuid, { mac: '' });
    await pc1.sync();
    await pc2.app.editDevice(uuid, { assetTag: '' });
    const outcome = await pc2.sync();
    assert.equal(outcome.push?.conflicts, 1);
    const [conflict] = await pc2.app.listConflicts();
    assert.equal(conflict.kind, 'update');
    assert.deepEqual(conflict.fields, ['mac', 'assetTag']);

    for (const fields of [{ mac: { from: 'cloud' as const }, assetTag: { from: 'local' as const } }, { mac: { value: '' }, assetTag: { value: null } }]) {
      await assert.rejects(pc2.app.resolveConflict(conflict.id, { fields }), /mac: expected a MAC address or an asset tag/);
    }
    assert.equal((await pc2.app.listConflicts()).length, 1, 'nothing written');

    await pc2.app.resolveConflict(conflict.id, { take: 'cloud' });
    const device = await assertConverged();
    assert.deepEqual({ mac: device.mac, assetTag: device.assetTag }, { mac: null, assetTag: 'T-1' });
  });

  it('an edit here that makes the device what the cloud holds closes its conflict: nothing is left to decide', async () => {
    const conflict = await conflictOnIp();
    const versionBefore = (await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === uuid)!.version;
    await pc2.app.editDevice(uuid, { ip: conflict.remote.ip, hostname: conflict.remote.hostname, notes: conflict.remote.notes });
    assert.deepEqual(await pc2.app.listConflicts(), []);
    const [closed] = await pc2.app.listConflicts({ all: true });
    assert.equal(closed.resolution?.resolvedBy, 'sitesync (both sides agree)');
    assert.equal((await pc2.app.status()).pendingChanges, 0, 'in sync at the cloud version: nothing to push');
    await assertConverged();
    assert.equal((await listCloudDevices(cloud.db, 'hq', true)).find((d) => d.uuid === uuid)!.version, versionBefore, 'no new version');
  });

  it('a pull bringing the values this PC holds closes its conflict', async () => {
    await conflictOnIp();
    const here = await pc2.device(uuid);
    await pc1.app.editDevice(uuid, { ip: here.ip, hostname: here.hostname, notes: here.notes });
    await pc1.sync();
    const outcome = await pc2.sync();
    assert.equal(outcome.pull?.conflicts, 0);
    assert.deepEqual(await pc2.app.listConflicts(), []);
    assert.equal((await pc2.app.listConflicts({ all: true }))[0].resolution?.resolvedBy, 'sitesync (both sides agree)');
    assert.equal((await assertConverged()).ip, '10.0.0.32');
  });

  it('a device deleted on both sides while a conflict held it: the conflict closes, deleted everywhere', async () => {
    await conflictOnIp();
    await pc1.app.deleteDevice(uuid);
    await pc1.sync();
    await pc2.app.deleteDevice(uuid);
    await pc2.sync();
    assert.deepEqual(await pc2.app.listConflicts(), []);
    assert.ok((await assertConverged()).deletedAt);
  });

  it('a delete against an edit opens a delete conflict; restoring keeps the edit', async () => {
    await pc1.app.deleteDevice(uuid);
    await pc2.app.editDevice(uuid, { notes: 'still in use!' });
    await pc1.sync();
    await pc2.sync();
    const [conflict] = await pc2.app.listConflicts();
    assert.equal(conflict.kind, 'delete');
    assert.ok(conflict.remote.deletedAt);
    assert.equal(conflict.local.deletedAt, null);
    assert.equal((await pc2.device(uuid)).deletedAt, null, 'not deleted until a person decides');
    await pc2.app.resolveConflict(conflict.id, { take: 'local' });
    const device = await assertConverged();
    assert.equal(device.deletedAt, null);
    assert.equal(device.notes, 'still in use!');
    assert.equal(device.ip, '10.0.0.10');
  });

  it('an edit against a delete, resolved by keeping it deleted, deletes everywhere', async () => {
    await pc1.app.editDevice(uuid, { notes: 'new cable' });
    await pc2.app.deleteDevice(uuid);
    await pc1.sync();
    await pc2.sync();
    const [conflict] = await pc2.app.listConflicts();
    assert.equal(conflict.kind, 'delete');
    assert.ok(conflict.local.deletedAt);
    await pc2.app.resolveConflict(conflict.id, { take: 'local' });
    const device = await assertConverged();
    assert.ok(device.deletedAt);
  });

  it('a delete conflict refuses a per-field resolution', async () => {
    await pc1.app.deleteDevice(uuid);
    await pc2.app.editDevice(uuid, { notes: 'x' });
    await pc1.sync();
    await pc2.sync();
    const [conflict] = await pc2.app.listConflicts();
    await assert.rejects(pc2.app.resolveConflict(conflict.id, { fields: { notes: { from: 'local' } } }), /resolution: expected take local or take cloud/);
  });
});
