import type { RemoteDevice } from '../contract/device';
import { pickFields, sameFields } from '../domain/device';
import { NotFoundError } from '../domain/not-found-error';
import { requireIdentity, validateFieldsPatch } from '../domain/validation';
import { duplicateIdentity } from '../domain/duplicate-identity';
import { ValidationError } from '../domain/validation-error';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { CloudDeviceEntity } from '../db/cloud/entities/cloud-device.entity';
import { softDelete } from '../sync/soft-delete';
import { loadDecisionRecords } from './decision-records';
import { lockSite } from './site-versions';
import { announceVersion } from './version-feed';
import { writeVersioned } from './write-versioned';

/** Devices of a site as the cloud holds them, oldest first. */
export async function listCloudDevices(db: CloudDatabase, siteId: string, includeDeleted: boolean): Promise<RemoteDevice[]> {
  const rows = await db.read((r) => r.getRepository(CloudDeviceEntity).find({ where: { siteId }, order: { version: 'ASC' } }));
  return includeDeleted ? rows : rows.filter((d) => d.deletedAt === null);
}

/**
 * An edit or delete made on the cloud side (an operator, an import): it gets
 * a new version of the site like any pushed change, so every instance pulls it.
 */
export async function changeCloudDevice(
  db: CloudDatabase,
  uuid: string,
  change: { patch: unknown } | { delete: true },
  now: string,
): Promise<RemoteDevice> {
  const { device, written } = await db.transaction(async (tx) => {
    const devices = tx.getRepository(CloudDeviceEntity);
    const found = await devices.findOneBy({ uuid });
    if (!found) throw new NotFoundError(`no device with uuid ${uuid}`);
    await lockSite(db, tx, found.siteId);
    // Read again under the lock: a push may have changed the device in between.
    const current = (await devices.findOneBy({ uuid }))!;
    let next: RemoteDevice;
    if ('delete' in change) {
      if (current.deletedAt !== null) return { device: current, written: false };
      next = softDelete(current, now);
    } else {
      if (current.deletedAt !== null) throw new ValidationError([{ field: 'uuid', message: 'expected a live device; this one is deleted' }]);
      next = { ...current, ...validateFieldsPatch(change.patch), updatedAt: now };
      // An edit that changes no value is no change: a new version would make every instance pull the device
      // again, and one that is editing it meanwhile would meet a conflict over nothing.
      if (sameFields(pickFields(next), pickFields(current))) return { device: current, written: false };
      requireIdentity(pickFields(next));
      const { identities } = await loadDecisionRecords(db, tx, current.siteId, [{ uuid, baseVersion: null, fields: pickFields(next), deletedAt: null, updatedAt: now }]);
      const taken = identities.holderOf(next, uuid);
      if (taken) throw duplicateIdentity(taken.field, next[taken.field], `device ${taken.uuid}`);
    }
    const { version: _old, ...write } = next;
    const versions = await writeVersioned(db, tx, current.siteId, [write]);
    return { device: { ...next, version: versions.get(uuid)! }, written: true };
  });
  if (written) await announceVersion(db, { siteId: device.siteId, version: device.version, by: null });
  return device;
}
