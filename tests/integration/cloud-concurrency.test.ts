import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { enrollInstance } from '../../src/cloud/enrolment';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import type { RemoteDevice } from '../../src/contract/device';
import type { PushChange } from '../../src/contract/sync-http';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { LISTENER_APPLICATION_NAME } from '../../src/cloud/postgres-version-feed';
import { CloudClient } from '../../src/sync/cloud-client';
import { serverSentEvents, type ServerSentEvent } from '../../src/sync/server-sent-events';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process';
import { TEST_CLOUD_BACKEND, createTestCloudDb, type TestCloudDb } from '../support/test-cloud-db';

const WRITERS = 8;
const BATCHES_PER_WRITER = 12;
const BATCH_SIZE = 25;

const skip = TEST_CLOUD_BACKEND === 'postgres' ? false : 'several server processes share one database only on PostgreSQL (npm run test:integration:pg)';

function newDevice(writer: number, n: number): PushChange {
  const hex = (writer * 10_000 + n).toString(16).padStart(8, '0');
  return { uuid: randomUUID(), baseVersion: null, fields: { mac: `02:00:${hex.match(/../g)!.join(':')}` }, deletedAt: null, updatedAt: new Date().toISOString() };
}

describe('two cloud server processes on one PostgreSQL', { skip }, () => {
  let store: TestCloudDb;
  let db: CloudDatabase;
  let servers: CloudProcess[];
  const clientOf = async (server: CloudProcess, siteId = 'hq') =>
    new CloudClient({ baseUrl: server.url, token: (await enrollInstance(db, siteId, null, new Date().toISOString())).token, retryDelaysMs: [] });

  before(async () => {
    store = await createTestCloudDb();
    db = await CloudDatabase.open(store.target);
    servers = await Promise.all([startCloudProcess(store.target), startCloudProcess(store.target)]);
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db.close();
    await store.drop();
  });

  it('a reader paging while many writers commit through both receives every change once, in version order, with no gap', async () => {
    const writers = await Promise.all(Array.from({ length: WRITERS }, (_, i) => clientOf(servers[i % 2])));
    const reader = await clientOf(servers[0]);
    const readerViaOther = await clientOf(servers[1]);
    const applied = new Set<string>();
    let writing = true;

    const write = Promise.all(
      writers.map(async (client, w) => {
        for (let b = 0; b < BATCHES_PER_WRITER; b++) {
          const answer = await client.push(Array.from({ length: BATCH_SIZE }, (_, i) => newDevice(w, b * BATCH_SIZE + i)));
          assert.equal(answer.applied, BATCH_SIZE);
          for (const result of answer.results) applied.add(result.uuid);
        }
      }),
    ).finally(() => (writing = false));

    const received: RemoteDevice[] = [];
    const read = (async () => {
      let cursor = 0;
      for (let page = 0; ; page++) {
        // Asked for after the last writer finished (not only answered after): such a page sees every commit.
        const askedAfterWrites = !writing;
        // Alternate the servers, as a load balancer would; the cursor means the same on both.
        const answer = await (page % 2 ? readerViaOther : reader).pull(cursor, 40);
        received.push(...answer.changes);
        cursor = answer.cursor;
        if (askedAfterWrites && !answer.hasMore && answer.changes.length === 0) return;
      }
    })();

    await Promise.all([write, read]);
    const total = WRITERS * BATCHES_PER_WRITER * BATCH_SIZE;
    assert.equal(applied.size, total);
    assert.deepEqual(
      received.map((d) => d.version),
      Array.from({ length: total }, (_, i) => i + 1),
      'versions 1..N, each once, in order',
    );
    assert.deepEqual(new Set(received.map((d) => d.uuid)), applied);
    assert.equal((await listCloudDevices(db, 'hq', true)).length, total);
  });

  it("a push through one server is announced on the other's event stream, also after its LISTEN connection was cut", async () => {
    const listener = await clientOf(servers[1], 'live');
    const writer = await clientOf(servers[0], 'live');
    const abort = new AbortController();
    const events = serverSentEvents(await listener.events(abort.signal));
    const next = async () => (await events.next()).value as ServerSentEvent;
    const versionAtLeast = async (version: number) => {
      for (let event = await next(); ; event = await next()) if (event.event === 'version' && JSON.parse(event.data).version >= version) return;
    };
    try {
      assert.equal((await next()).event, 'ready');
      const first = await writer.push([newDevice(7, 1)]);
      const announced = await next();
      assert.equal(announced.event, 'version');
      assert.deepEqual(JSON.parse(announced.data), { siteId: 'live', version: first.results[0].version });

      const [{ schema }] = await db.read((r) => r.query('SELECT current_schema() AS schema'));
      const cut = await db.read((r) =>
        r.query("SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = $1 AND query LIKE '%' || $2 || '%'", [LISTENER_APPLICATION_NAME, schema]),
      );
      assert.equal(cut.length, 1, "server 2's one LISTEN connection was cut");
      const second = await writer.push([newDevice(7, 2)]);
      await versionAtLeast(second.results[0].version!);
    } finally {
      abort.abort();
    }
  });

  it('instances updating one device at once through both servers: exactly one wins each round, the others get conflict', async () => {
    const editors = await Promise.all(Array.from({ length: 6 }, (_, i) => clientOf(servers[i % 2], 'branch')));
    const created = await editors[0].push([newDevice(99, 0)]);
    let { uuid, version } = created.results[0] as { uuid: string; version: number };
    const mac = (await listCloudDevices(db, 'branch', false))[0].mac;
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(
        editors.map((client, e) =>
          client.push([{ uuid, baseVersion: version, fields: { mac, hostname: `round-${round}-editor-${e}` }, deletedAt: null, updatedAt: new Date().toISOString() }]),
        ),
      );
      const winners = answers.filter((a) => a.applied === 1);
      assert.equal(winners.length, 1, `round ${round}: one edit applied`);
      assert.equal(answers.filter((a) => a.conflicts === 1).length, editors.length - 1);
      const [device] = await listCloudDevices(db, 'branch', false);
      assert.equal(device.version, winners[0].results[0].version);
      for (const loser of answers.filter((a) => a.conflicts === 1)) assert.equal(loser.results[0].current?.hostname, device.hostname, 'a conflict carries the winner');
      ({ uuid, version } = device);
    }
  });
});
