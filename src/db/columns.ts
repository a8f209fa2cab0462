import { SYNC_FIELDS, type SyncField } from '../domain/device';

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

/** `SELECT` list that yields the device JSON shape straight from a `devices` row. */
export const DEVICE_SELECT = [
  'uuid',
  'site_id AS "siteId"',
  ...SYNC_FIELDS.map((f) => (FIELD_COLUMNS[f] === f ? f : `${FIELD_COLUMNS[f]} AS "${f}"`)),
  'created_at AS "createdAt"',
  'updated_at AS "updatedAt"',
  'deleted_at AS "deletedAt"',
].join(', ');

/** Columns of a device row in insert order, matching `deviceValues`. */
export const DEVICE_COLUMNS = ['uuid', 'site_id', ...SYNC_FIELDS.map((f) => FIELD_COLUMNS[f]), 'created_at', 'updated_at', 'deleted_at'];
