import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cloud schema v5: the cloud's own id, made once here (decision 39; only
 * an operator starting another cloud from a copy of this database changes
 * it, operations.md). An instance enrolled again at another address of the same
 * cloud keeps its pull cursor, so the 410 of a purged tombstone still
 * reaches it; another cloud holding the same site id has another id, and
 * the instance starts from 0 there.
 */
export class CloudIdentity0000000000005 implements MigrationInterface {
  name = 'CloudIdentity0000000000005';

  async up(q: QueryRunner): Promise<void> {
    const isPostgres = q.connection.options.type === 'postgres';
    await q.query('CREATE TABLE cloud_identity (cloud_id varchar(36) NOT NULL PRIMARY KEY, created_at varchar(30) NOT NULL)');
    await q.query(`INSERT INTO cloud_identity (cloud_id, created_at) VALUES (${isPostgres ? '$1, $2' : '?, ?'})`, [randomUUID(), new Date().toISOString()]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cloud_identity');
  }
}
