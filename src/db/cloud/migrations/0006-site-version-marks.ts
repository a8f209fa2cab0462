import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cloud schema v6: each tombstone purge records, per site, the cloud's time
 * and the site's latest version (decision 43). Retention counts from when
 * the cloud received a deletion, never from the `deletedAt` a PC's clock
 * wrote, and the push path stays as it was: versions up to a mark were in
 * the cloud by the mark's time. Plain SQL, the same on SQLite and
 * PostgreSQL. No rows are made here: a cloud upgraded to v6 knows nothing
 * of when its tombstones came, so it purges none for one retention period.
 */
export class CloudSiteVersionMarks0000000000006 implements MigrationInterface {
  name = 'CloudSiteVersionMarks0000000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE site_version_marks (site_id varchar(64) NOT NULL, marked_at varchar(30) NOT NULL, version bigint NOT NULL, PRIMARY KEY (site_id, marked_at))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE site_version_marks');
  }
}
