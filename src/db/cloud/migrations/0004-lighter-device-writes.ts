import { TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The live-identity indexes of schema v1, each now also without the devices that have no such identity. */
const IDENTITY_INDEXES = [
  { name: 'devices_site_live_mac', column: 'mac' },
  { name: 'devices_site_live_asset_tag', column: 'asset_tag' },
];

/**
 * Cloud schema v4: less work for the database on each device write, the
 * cloud's hottest statement (decision 37).
 *
 * - No foreign key from devices to sites. Every write of a site's devices
 *   first reserves versions on the site's row, which fails for a missing
 *   site and locks the row until the write commits; the key's per-row check
 *   repeated that proof at about a quarter of the insert's time.
 * - The unique live-MAC and live-asset-tag indexes leave out rows without a
 *   MAC or asset tag: such rows can never collide (NULLs are distinct), and
 *   every lookup compares the column with values, which only non-NULL rows
 *   match, so both databases still use the indexes.
 */
export class CloudLighterDeviceWrites0000000000004 implements MigrationInterface {
  name = 'CloudLighterDeviceWrites0000000000004';

  async up(q: QueryRunner): Promise<void> {
    const devices = (await q.getTable('devices'))!;
    // On SQLite TypeORM rebuilds the table to drop the key; the indexes are made again after it.
    for (const foreignKey of devices.foreignKeys) await q.dropForeignKey(devices, foreignKey);
    for (const { name, column } of IDENTITY_INDEXES) {
      await q.query(`DROP INDEX IF EXISTS ${name}`);
      await q.createIndex('devices', new TableIndex({ name, columnNames: ['site_id', column], isUnique: true, where: `deleted_at IS NULL AND ${column} IS NOT NULL` }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { name, column } of IDENTITY_INDEXES) {
      await q.query(`DROP INDEX IF EXISTS ${name}`);
      await q.createIndex('devices', new TableIndex({ name, columnNames: ['site_id', column], isUnique: true, where: 'deleted_at IS NULL' }));
    }
    await q.createForeignKey('devices', new TableForeignKey({ columnNames: ['site_id'], referencedTableName: 'sites', referencedColumnNames: ['site_id'] }));
  }
}
