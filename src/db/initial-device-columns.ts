import type { TableColumnOptions } from 'typeorm';

/**
 * The device columns as the first migration of both schemas (local and cloud)
 * created them. Frozen: a later schema change is a new migration, never an
 * edit here.
 */
export const INITIAL_DEVICE_COLUMNS: TableColumnOptions[] = [
  { name: 'uuid', type: 'varchar', length: '36', isPrimary: true },
  { name: 'site_id', type: 'varchar', length: '64' },
  { name: 'hostname', type: 'varchar', length: '253', isNullable: true },
  { name: 'mac', type: 'varchar', length: '17', isNullable: true },
  { name: 'ip', type: 'varchar', length: '45', isNullable: true },
  { name: 'asset_tag', type: 'varchar', length: '64', isNullable: true },
  { name: 'serial', type: 'varchar', length: '128', isNullable: true },
  { name: 'model', type: 'varchar', length: '128', isNullable: true },
  { name: 'vendor', type: 'varchar', length: '128', isNullable: true },
  { name: 'location', type: 'varchar', length: '200', isNullable: true },
  { name: 'notes', type: 'text', isNullable: true },
  { name: 'status', type: 'varchar', length: '32', isNullable: true },
  { name: 'created_at', type: 'varchar', length: '30' },
  { name: 'updated_at', type: 'varchar', length: '30' },
  { name: 'deleted_at', type: 'varchar', length: '30', isNullable: true },
];
