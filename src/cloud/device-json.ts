import type { RemoteDevice } from '../contract/device';
import { SYNC_FIELDS } from '../domain/device';

const KEYS = ['uuid', 'siteId', ...SYNC_FIELDS, 'createdAt', 'updatedAt', 'deletedAt', 'version'] as const;

/**
 * The device JSON of CONTRACT.md as a pull carries it, keys in column
 * order. Stored with each row (devices.device_json) when it is written, so
 * a pull serves text instead of building it once per pulling instance.
 */
export function deviceJson(device: RemoteDevice): string {
  const record: Record<string, unknown> = {};
  for (const key of KEYS) record[key] = device[key];
  return JSON.stringify(record);
}
