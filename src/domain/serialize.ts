import type { PushChange } from '../contract/sync-http';
import { SYNC_FIELDS, TOMBSTONE_FIELDS, type Device } from './device';

/**
 * The push payload of one device. A deleted device travels stripped: its
 * uuid, mac, assetTag, deletedAt and updatedAt (and the baseVersion the
 * cloud needs to detect a delete racing an edit), nothing else.
 */
export function serialize(device: Device, baseVersion: number | null): PushChange {
  const names = device.deletedAt === null ? SYNC_FIELDS : TOMBSTONE_FIELDS;
  const fields: PushChange['fields'] = {};
  for (const f of names) fields[f] = device[f];
  return { uuid: device.uuid, baseVersion, fields, deletedAt: device.deletedAt, updatedAt: device.updatedAt };
}

/**
 * Why a device cannot be pushed, or null when it can. Such a record stays
 * local and is counted as `skipped` in the attempt's log row.
 */
export function missingSyncField(device: Device): string | null {
  if (!UUID_RE.test(device.uuid)) return 'uuid';
  if (!device.siteId) return 'siteId';
  if (!device.updatedAt || Number.isNaN(Date.parse(device.updatedAt))) return 'updatedAt';
  if (device.mac === null && device.assetTag === null) return 'mac or assetTag';
  return null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
