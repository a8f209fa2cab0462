import type { RemoteDevice } from '../contract/device';
import { DEVICE_PROPERTY_COLUMNS } from '../db/columns';

/** The keys of the device JSON, in column order. */
export const DEVICE_JSON_KEYS: readonly (keyof RemoteDevice)[] = [...DEVICE_PROPERTY_COLUMNS.map(([property]) => property), 'version'];

/**
 * The device JSON of CONTRACT.md as a pull carries it, keys in column
 * order. Stored with each row (devices.device_json) when it is written, so
 * a pull serves text instead of building it once per pulling instance.
 * (A key list as JSON.stringify's replacer measured twice as slow as this.)
 */
export function deviceJson(device: RemoteDevice): string {
  const record: Record<string, unknown> = {};
  for (const key of DEVICE_JSON_KEYS) record[key] = device[key];
  return JSON.stringify(record);
}
