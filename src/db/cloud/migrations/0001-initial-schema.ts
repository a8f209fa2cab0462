import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { INITIAL_DEVICE_COLUMNS } from '../../initial-device-columns';

/** Cloud schema v1, portable between SQLite and PostgreSQL (TypeORM's table API writes each dialect). */
export class CloudInitialSchema0000000000001 implements MigrationInterface {
  name = 'CloudInitialSchema0000000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'sites',
        columns: [
          { name: 'site_id', type: 'varchar', length: '64', isPrimary: true },
          // The site's version counter; its row is the lock that orders every write of the site.
          { name: 'last_version', type: 'bigint', default: 0 },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'devices',
        columns: [...INITIAL_DEVICE_COLUMNS, { name: 'version', type: 'bigint' }],
        foreignKeys: [{ columnNames: ['site_id'], referencedTableName: 'sites', referencedColumnNames: ['site_id'] }],
      }),
    );
    // One at a time: TypeORM's createIndices runs them concurrently, which races on SQLite's single connection.
    for (const index of [
      new TableIndex({ name: 'devices_site_version', columnNames: ['site_id', 'version'], isUnique: true }),
      new TableIndex({ name: 'devices_site_live_mac', columnNames: ['site_id', 'mac'], isUnique: true, where: 'deleted_at IS NULL' }),
      new TableIndex({ name: 'devices_site_live_asset_tag', columnNames: ['site_id', 'asset_tag'], isUnique: true, where: 'deleted_at IS NULL' }),
    ]) {
      await q.createIndex('devices', index);
    }
    await q.createTable(
      new Table({
        name: 'connected_sites',
        columns: [
          { name: 'instance_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'site_id', type: 'varchar', length: '64' },
          { name: 'name', type: 'varchar', length: '200', isNullable: true },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'last_push_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'last_pull_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'last_seen_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'last_ip', type: 'varchar', length: '45', isNullable: true },
          { name: 'app_version', type: 'varchar', length: '40', isNullable: true },
          { name: 'push_count', type: 'integer', default: 0 },
          { name: 'pull_count', type: 'integer', default: 0 },
          { name: 'changes_applied', type: 'integer', default: 0 },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'revoked_at', type: 'varchar', length: '30', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['site_id'], referencedTableName: 'sites', referencedColumnNames: ['site_id'] }],
        indices: [{ name: 'connected_sites_site', columnNames: ['site_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'push_batches',
        columns: [
          { name: 'instance_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'batch_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'response', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sync_log',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'instance_id', type: 'varchar', length: '36' },
          { name: 'site_id', type: 'varchar', length: '64' },
          { name: 'direction', type: 'varchar', length: '8' },
          { name: 'at', type: 'varchar', length: '30' },
          { name: 'status', type: 'varchar', length: '8' },
          { name: 'received', type: 'integer', default: 0 },
          { name: 'sent', type: 'integer', default: 0 },
          { name: 'applied', type: 'integer', default: 0 },
          { name: 'conflicts', type: 'integer', default: 0 },
          { name: 'rejected', type: 'integer', default: 0 },
          { name: 'error', type: 'text', isNullable: true },
        ],
        indices: [{ name: 'sync_log_instance', columnNames: ['instance_id', 'id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['sync_log', 'push_batches', 'connected_sites', 'devices', 'sites']) await q.dropTable(table);
  }
}
