import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cloud schema v3: each device row also holds its device JSON, the record
 * as a pull carries it (written with the row by writeVersioned). Every
 * change is pulled by every other instance of its site; serving stored text
 * spares the database and the server the columns-to-JSON work each time.
 * Rows of older versions get theirs here, built by the database.
 */
export class CloudDeviceJson0000000000003 implements MigrationInterface {
  name = 'CloudDeviceJson0000000000003';

  async up(q: QueryRunner): Promise<void> {
    const isPostgres = q.connection.options.type === 'postgres';
    // SQLite cannot add a NOT NULL column without a default; there it stays nullable, filled by every write.
    await q.query('ALTER TABLE devices ADD COLUMN device_json text');
    // Frozen, like every migration: the device's keys and columns as of this schema version.
    const pairs = [
      ['uuid', 'uuid'],
      ['siteId', 'site_id'],
      ['hostname', 'hostname'],
      ['mac', 'mac'],
      ['ip', 'ip'],
      ['assetTag', 'asset_tag'],
      ['serial', 'serial'],
      ['model', 'model'],
      ['vendor', 'vendor'],
      ['location', 'location'],
      ['notes', 'notes'],
      ['status', 'status'],
      ['createdAt', 'created_at'],
      ['updatedAt', 'updated_at'],
      ['deletedAt', 'deleted_at'],
      ['version', 'version'],
    ]
      .map(([key, column]) => `'${key}', ${column}`)
      .join(', ');
    await q.query(`UPDATE devices SET device_json = ${isPostgres ? `json_build_object(${pairs})::text` : `json_object(${pairs})`}`);
    if (isPostgres) await q.query('ALTER TABLE devices ALTER COLUMN device_json SET NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE devices DROP COLUMN device_json');
  }
}
