import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local schema v2: the push outbox. A batch is written here, with its id,
 * before it is sent, and removed in the transaction that applies the
 * cloud's answer. A batch whose answer never came (connection cut, app
 * killed) is sent again under the same id first, so the cloud answers it
 * from its record instead of judging later edits against this PC's own
 * earlier values (decision 45).
 */
export class LocalPushOutbox0000000000002 implements MigrationInterface {
  name = 'LocalPushOutbox0000000000002';

  async up(q: QueryRunner): Promise<void> {
    // seq keeps the order batches were sent in; sent is the JSON of [{ uuid, localSeq, change }], changes its length.
    await q.query(
      'CREATE TABLE push_outbox (seq integer PRIMARY KEY AUTOINCREMENT, batch_id varchar(36) NOT NULL UNIQUE, changes integer NOT NULL, sent text NOT NULL)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE push_outbox');
  }
}
