import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { INITIAL_DEVICE_COLUMNS } from '../../initial-device-columns';

/** Local schema v1: devices with their change counters, sync bookkeeping, conflicts, the audit log, meta. */
export class LocalInitialSchema0000000000001 implements MigrationInterface {
  name = 'LocalInitialSchema0000000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'devices',
        columns: [
          ...INITIAL_DEVICE_COLUMNS,
          // Bumped on every local write; the device is dirty while local_seq > pushed_seq.
          { name: 'local_seq', type: 'integer' },
          { name: 'pushed_seq', type: 'integer', default: 0 },
        ],
      }),
    );
    // One at a time: TypeORM's createIndices runs them concurrently, which races on SQLite's single connection.
    for (const index of [
      new TableIndex({ name: 'devices_local_seq', columnNames: ['local_seq'] }),
      // Push reads only dirty rows through this index: its cost follows the changes, not the table.
      new TableIndex({ name: 'devices_dirty', columnNames: ['local_seq'], where: 'local_seq > pushed_seq' }),
      new TableIndex({ name: 'devices_live_mac', columnNames: ['mac'], where: 'deleted_at IS NULL' }),
      new TableIndex({ name: 'devices_live_asset_tag', columnNames: ['asset_tag'], where: 'deleted_at IS NULL' }),
    ]) {
      await q.createIndex('devices', index);
    }
    await q.createTable(
      new Table({
        name: 'sync_state',
        columns: [
          { name: 'device_uuid', type: 'varchar', length: '36', isPrimary: true },
          { name: 'base_version', type: 'integer', isNullable: true },
          // JSON of the synced fields at base_version; null while the device equals it (not dirty).
          { name: 'base', type: 'text', isNullable: true },
          { name: 'rejected_seq', type: 'integer', isNullable: true },
          { name: 'rejected_reason', type: 'text', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['device_uuid'], referencedTableName: 'devices', referencedColumnNames: ['uuid'], onDelete: 'CASCADE' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'conflicts',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'device_uuid', type: 'varchar', length: '36' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'fields', type: 'text' },
          { name: 'base', type: 'text', isNullable: true },
          { name: 'local', type: 'text' },
          { name: 'remote', type: 'text' },
          { name: 'remote_version', type: 'integer' },
          { name: 'detected_at', type: 'varchar', length: '30' },
          { name: 'resolved_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'resolution', type: 'text', isNullable: true },
        ],
        indices: [{ name: 'conflicts_one_open_per_device', columnNames: ['device_uuid'], isUnique: true, where: 'resolved_at IS NULL' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sync_log',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'direction', type: 'varchar', length: '8' },
          { name: 'trigger', type: 'varchar', length: '16' },
          { name: 'started_at', type: 'varchar', length: '30' },
          { name: 'finished_at', type: 'varchar', length: '30' },
          { name: 'status', type: 'varchar', length: '8' },
          { name: 'sent', type: 'integer', default: 0 },
          { name: 'received', type: 'integer', default: 0 },
          { name: 'applied', type: 'integer', default: 0 },
          { name: 'conflicts', type: 'integer', default: 0 },
          { name: 'skipped', type: 'integer', default: 0 },
          { name: 'rejected', type: 'integer', default: 0 },
          { name: 'error', type: 'text', isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'meta',
        columns: [
          { name: 'key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['meta', 'sync_log', 'conflicts', 'sync_state', 'devices']) await q.dropTable(table);
  }
}
