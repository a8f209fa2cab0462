import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyFields, type Device } from '../../src/domain/device';
import { missingSyncField, serialize } from '../../src/domain/serialize';
import { softDelete } from '../../src/sync/soft-delete';

const device: Device = {
  uuid: '0b6f3c52-9a8e-4c1e-8b7d-2f3a4b5c6d7e',
  siteId: 'hq',
  ...emptyFields(),
  mac: 'aa:bb:cc:dd:ee:ff',
  assetTag: 'A-7',
  hostname: 'sw-7',
  ip: '10.0.0.7',
  notes: 'secret closet',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  deletedAt: null,
};

describe('serialize', () => {
  it('sends every synced field of a live device', () => {
    const change = serialize(device, 4);
    assert.equal(change.baseVersion, 4);
    assert.equal(change.fields.hostname, 'sw-7');
    assert.equal(Object.keys(change.fields).length, 10);
  });

  it('strips a deleted device to uuid, mac, assetTag, deletedAt and updatedAt', () => {
    const change = serialize(softDelete(device, '2026-02-01T00:00:00.000Z'), 5);
    assert.deepEqual(change, {
      uuid: device.uuid,
      baseVersion: 5,
      fields: { mac: 'aa:bb:cc:dd:ee:ff', assetTag: 'A-7' },
      deletedAt: '2026-02-01T00:00:00.000Z',
      updatedAt: '2026-02-01T00:00:00.000Z',
    });
  });
});

describe('softDelete', () => {
  it('keeps the identifiers and clears every other field', () => {
    const tombstone = softDelete(device, '2026-02-01T00:00:00.000Z');
    assert.equal(tombstone.uuid, device.uuid);
    assert.equal(tombstone.mac, device.mac);
    assert.equal(tombstone.assetTag, device.assetTag);
    for (const f of ['hostname', 'ip', 'notes', 'serial', 'status'] as const) assert.equal(tombstone[f], null);
  });
});

describe('missingSyncField', () => {
  it('passes a complete device', () => assert.equal(missingSyncField(device), null));
  const cases: [Partial<Device>, string][] = [
    [{ uuid: 'not-a-uuid' }, 'uuid'],
    [{ siteId: '' }, 'siteId'],
    [{ updatedAt: 'yesterday' }, 'updatedAt'],
    [{ mac: null, assetTag: null }, 'mac or assetTag'],
  ];
  for (const [change, field] of cases) it(`names ${field}`, () => assert.equal(missingSyncField({ ...device, ...change }), field));
});
