import { SYNC_FIELDS, type Device, type SyncField } from '../domain/device';

/** Column name of each synced field; the same in the local and the cloud schema. */
export const FIELD_COLUMNS: Record<SyncField, string> = {
  hostname: 'hostname',
  mac: 'mac',
  ip: 'ip',
  assetTag: 'asset_tag',
  serial: 'serial',
  model: 'model',
  vendor: 'vendor',
  location: 'location',
  notes: 'notes',
  status: 'status',
};

/** Each property of a device record (its JSON key) with its column, in insert order. */
export const DEVICE_PROPERTY_COLUMNS: readonly (readonly [keyof Device, string])[] = [
  ['uuid', 'uuid'],
  ['siteId', 'site_id'],
  ...SYNC_FIELDS.map((f) => [f, FIELD_COLUMNS[f]] as const),
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['deletedAt', 'deleted_at'],
];

/** `SELECT` list that yields the device JSON shape straight from a `devices` row. */
export const DEVICE_SELECT = DEVICE_PROPERTY_COLUMNS.map(([property, column]) => (property === column ? column : `${column} AS "${property}"`)).join(', ');

/** Columns of a device row in insert order. */
export const DEVICE_COLUMNS = DEVICE_PROPERTY_COLUMNS.map(([, column]) => column);
