import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cloud schema v2: each site remembers the newest version whose tombstone
 * was purged (DESIGN §4, retention). A pull from an older cursor would miss
 * those deletions, so it is answered 410. Plain SQL, the same on SQLite and
 * PostgreSQL (TypeORM's addColumn would rebuild the SQLite table).
 */
export class CloudTombstoneHorizon0000000000002 implements MigrationInterface {
  name = 'CloudTombstoneHorizon0000000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sites ADD COLUMN purged_version bigint NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sites DROP COLUMN purged_version');
  }
}
