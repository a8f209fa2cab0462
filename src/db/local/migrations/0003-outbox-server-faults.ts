import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local schema v3: how many times the cloud answered an outbox batch with
 * 500, a fault of its own that applied none of it. A batch it fails on
 * every time is taken apart so the changes it can take go on (decision 54).
 */
export class LocalOutboxServerFaults0000000000003 implements MigrationInterface {
  name = 'LocalOutboxServerFaults0000000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE push_outbox ADD COLUMN server_faults integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE push_outbox DROP COLUMN server_faults');
  }
}
