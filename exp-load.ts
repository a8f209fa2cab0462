// temporary: loads a schema 'exp_bench' with 20 sites x 7300 devices through applyPushBatch, keeps it.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { applyPushBatch } from './src/cloud/apply-push';
import { enrollInstance } from './src/cloud/enrolment';
import { CloudDatabase } from './src/db/cloud/cloud-database';
import { urlInSchema, TEST_PG_URL } from './tests/support/test-cloud-db';
(async () => {
  const c = new Client(TEST_PG_URL); await c.connect(); await c.query('DROP SCHEMA IF EXISTS exp_bench CASCADE'); await c.query('CREATE SCHEMA exp_bench'); await c.end();
  const db = await CloudDatabase.open(urlInSchema(TEST_PG_URL, 'exp_bench'));
  const now = new Date().toISOString();
  let made = 0;
  for (let s = 0; s < 20; s++) {
    const siteId = `site-${s}`;
    const { instanceId } = await enrollInstance(db, siteId, 'x', now);
    for (let b = 0; b < 73; b++) {
      const changes = Array.from({ length: 100 }, () => { const n = made++; const hex = n.toString(16).padStart(10, '0');
        return { uuid: randomUUID(), baseVersion: null, fields: { mac: `02:${hex.match(/../g)!.join(':')}`, hostname: `dev-${n}` }, deletedAt: null, updatedAt: now }; });
      await applyPushBatch(db, { instanceId, siteId }, { batchId: randomUUID(), changes } as never, now);
    }
  }
  await db.close();
  console.log('loaded', made);
})();
