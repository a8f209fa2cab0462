import { EntitySchema } from 'typeorm';
import type { RemoteDevice } from '../../../contract/device';
import { bigintAsNumber } from './bigint-as-number';

/**
 * A device row as the cloud's listings and edits read it. The row's stored
 * device JSON (`device_json`, served by pulls) is not mapped: writeVersioned,
 * the only writer of devices, writes it with the columns.
 */
export const CloudDeviceEntity = new EntitySchema<RemoteDevice>({
  name: 'CloudDevice',
  tableName: 'devices',
  columns: {
    uuid: { type: 'varchar', length: 36, primary: true },
    siteId: { name: 'site_id', type: 'varchar', length: 64 },
    hostname: { type: 'varchar', length: 253, nullable: true },
    mac: { type: 'varchar', length: 17, nullable: true },
    ip: { type: 'varchar', length: 45, nullable: true },
    assetTag: { name: 'asset_tag', type: 'varchar', length: 64, nullable: true },
    serial: { type: 'varchar', length: 128, nullable: true },
    model: { type: 'varchar', length: 128, nullable: true },
    vendor: { type: 'varchar', length: 128, nullable: true },
    location: { type: 'varchar', length: 200, nullable: true },
    notes: { type: 'text', nullable: true },
    status: { type: 'varchar', length: 32, nullable: true },
    createdAt: { name: 'created_at', type: 'varchar', length: 30 },
    updatedAt: { name: 'updated_at', type: 'varchar', length: 30 },
    deletedAt: { name: 'deleted_at', type: 'varchar', length: 30, nullable: true },
    version: { type: 'bigint', transformer: bigintAsNumber },
  },
});
