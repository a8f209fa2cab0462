import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { pickFields, sameFields, type Device, type DeviceFields } from '../domain/device';
import { NotFoundError } from '../domain/not-found-error';
import { requireIdentity, validateFieldsPatch } from '../domain/validation';
import { duplicateIdentity } from '../domain/duplicate-identity';
import { ValidationError } from '../domain/validation-error';
import {
  findNewDuplicate,
  getRecord,
  inConflict,
  isDirty,
  nextLocalSeq,
  upsertDevices,
  upsertSyncStates,
  type LocalRecord,
} from '../db/local/device-store';
import { refreshConflictLocalSide } from '../sync/conflicts';
import { softDelete } from '../sync/soft-delete';

async function assertNoNewDuplicate(tx: EntityManager, fields: DeviceFields, before: Device | null) {
  const duplicate = await findNewDuplicate(tx, fields, before);
  if (duplicate) throw duplicateIdentity(duplicate.field, fields[duplicate.field], duplicate.holder);
}

/**
 * Writes a local change: a new local_seq marks it for the next push; the
 * first edit after a sync keeps the base; an open conflict on the device
 * learns the new local side.
 */
async function writeLocal(tx: EntityManager, record: LocalRecord | null, device: Device): Promise<Device> {
  const seq = await nextLocalSeq(tx);
  await upsertDevices(tx, [{ device, localSeq: seq, pushedSeq: record?.pushedSeq ?? 0 }]);
  if (record === null) await upsertSyncStates(tx, [{ uuid: device.uuid, baseVersion: null, base: null }]);
  else if (!isDirty(record)) {
    await upsertSyncStates(tx, [{ uuid: device.uuid, baseVersion: record.baseVersion, base: record.base }]);
  }
  if (record && inConflict(record)) await refreshConflictLocalSide(tx, device, device.updatedAt);
  return device;
}

async function liveRecord(tx: EntityManager, uuid: string): Promise<LocalRecord> {
  const record = await getRecord(tx, uuid);
  if (!record) throw new NotFoundError(`no device with uuid ${uuid}`);
  if (record.device.deletedAt !== null) throw new ValidationError([{ field: 'uuid', message: `expected a live device; ${uuid} was deleted at ${record.device.deletedAt}` }]);
  return record;
}

export async function addDevice(tx: EntityManager, siteId: string, input: unknown, now: string): Promise<Device> {
  const fields = pickFields(validateFieldsPatch(input));
  requireIdentity(fields);
  await assertNoNewDuplicate(tx, fields, null);
  const device: Device = { uuid: randomUUID(), siteId, ...fields, status: fields.status ?? 'active', createdAt: now, updatedAt: now, deletedAt: null };
  return writeLocal(tx, null, device);
}

/** Changes only the fields named in `input`. */
export async function editDevice(tx: EntityManager, uuid: string, input: unknown, now: string): Promise<Device> {
  const record = await liveRecord(tx, uuid);
  const patch = validateFieldsPatch(input);
  const device: Device = { ...record.device, ...patch, updatedAt: now };
  if (sameFields(pickFields(device), pickFields(record.device))) return record.device;
  requireIdentity(device);
  await assertNoNewDuplicate(tx, device, record.device);
  return writeLocal(tx, record, device);
}

export async function deleteDevice(tx: EntityManager, uuid: string, now: string): Promise<Device> {
  const record = await liveRecord(tx, uuid);
  return writeLocal(tx, record, softDelete(record.device, now));
}
