import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { applyPushBatch } from '../../src/cloud/apply-push';
import { enrollInstance } from '../../src/cloud/enrolment';
import { HttpError } from '../../src/cloud/http-errors';
import { readPullPage, readSiteChanges, type PullPage } from '../../src/cloud/read-pull';
import { RecentChanges } from '../../src/cloud/recent-changes';
import type { PushChange } from '../../src/contract/sync-http';
import { CloudDatabase } from '../../src/db/cloud/cloud-database';
import { purgeEveryTombstone } from '../support/purge-runs';
import { createTestCloudDb, type TestCloudDb } from '../support/test-cloud-db';

const now = () => new Date().toISOString();

/** A page, or the HTTP status it was refused with (a 410 below the tombstone horizon). */
const outcome = (page: Promise<PullPage>) => page.then((value) => ({ value }), (error: unknown) => ({ refused: error instanceof HttpError ? error.statusCode : String(error) }));

/** A site's devices as the test last pushed them: uuid → version and MAC. */
type Known = Map<string, { version: number; mac: string; live: boolean }>;

describe("a server's window of recent changes answers every pull as the database would", () => {
  let store: TestCloudDb;
  let db: CloudDatabase;
  let serial = 0;

  before(async () => {
    store = await createTestCloudDb();
    db = await CloudDatabase.open(store.target);
  });

  after(async () => {
    await db.close();
    await store.drop();
  });

  async function enrol(siteId: string) {
    const { instanceId } = await enrollInstance(db, siteId, null, now());
    return { instanceId, siteId, known: new Map() as Known };
  }

  /** Pushes `creates` new devices, edits `edits` known ones and deletes `deletes` known ones (the newest), in one batch. */
  async function push(instance: { instanceId: string; siteId: string; known: Known }, creates: number, edits: number, deletes: number) {
    // The newest first: their changes are the ones a window holds, so editing them supersedes what it holds.
    const live = [...instance.known.entries()].filter(([, d]) => d.live).sort(([, x], [, y]) => y.version - x.version);
    const changes: PushChange[] = [];
    for (const [uuid, d] of live.slice(0, edits)) changes.push({ uuid, baseVersion: d.version, fields: { mac: d.mac, hostname: `edited-${serial++}` }, deletedAt: null, updatedAt: now() });
    for (const [uuid, d] of live.slice(edits, edits + deletes)) changes.push({ uuid, baseVersion: d.version, fields: { mac: d.mac }, deletedAt: now(), updatedAt: now() });
    for (let i = 0; i < creates; i++) {
      const n = serial++;
      changes.push({ uuid: randomUUID(), baseVersion: null, fields: { mac: `02:00:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`, hostname: `pc-${n}` }, deletedAt: null, updatedAt: now() });
    }
    const answer = await applyPushBatch(db, instance, { batchId: randomUUID(), changes }, now());
    assert.equal(answer.applied, changes.length, JSON.stringify(answer.results.filter((r) => r.status !== 'applied')));
    answer.results.forEach((result, i) => instance.known.set(result.uuid, { version: result.version!, mac: changes[i].fields.mac!, live: changes[i].deletedAt === null }));
  }

  /** Every cursor from 0 to past the site's top, in steps of `step`, with a small, a middling and a whole-site limit. */
  async function assertSameAsDatabase(recent: RecentChanges, siteId: string, step: number) {
    const top = (await readPullPage(db, siteId, 0, 1)).latestVersion;
    for (let since = 0; since <= top + 1; since += step) {
      for (const limit of [1, 7, 5000]) {
        assert.deepEqual(await outcome(recent.page(siteId, since, limit)), await outcome(readPullPage(db, siteId, since, limit)), `site ${siteId}, since ${since}, limit ${limit}`);
      }
    }
  }

  it('through creates, edits and deletes, in windows that drop their oldest changes', async () => {
    const instance = await enrol('window-trim');
    // At most 40 changes held (50 before a trim): the rounds below push 19 at a time.
    const recent = new RecentChanges(db, { changesPerSite: 40, totalChars: Number.MAX_SAFE_INTEGER });
    await recent.page(instance.siteId, 0, 1000);
    for (let round = 0; round < 8; round++) {
      await push(instance, 12, 5, 2);
      await assertSameAsDatabase(recent, instance.siteId, 2);
    }
  });

  it('through sites forgotten for the memory budget, each pulled again at its newest cursor', async () => {
    const a = await enrol('window-a');
    const b = await enrol('window-b');
    // Room for about 30 changes of JSON in all: each site's read pushes the other site's window out.
    const recent = new RecentChanges(db, { changesPerSite: 40, totalChars: 30 * 330 });
    for (let round = 0; round < 5; round++) {
      for (const instance of [a, b]) await push(instance, 12, 5, 2);
      for (const instance of [a, b]) await recent.page(instance.siteId, (await readPullPage(db, instance.siteId, 0, 1)).latestVersion - 20, 1000);
      await assertSameAsDatabase(recent, a.siteId, 3);
      await assertSameAsDatabase(recent, b.siteId, 4);
    }
  });

  it('a pull sees every change committed before it arrived, even with a read of the site already in flight', async () => {
    const instance = await enrol('window-race');
    // The real read, whose answer the test can hold back: its snapshot is taken, then a push commits.
    let hold: Promise<void> | null = null;
    const recent = new RecentChanges(db, undefined, async (...args: Parameters<typeof readSiteChanges>) => {
      const read = await readSiteChanges(...args);
      await hold;
      return read;
    });
    await push(instance, 5, 0, 0);
    await recent.page(instance.siteId, 0, 5000);
    for (let i = 0; i < 3; i++) {
      let release!: () => void;
      hold = new Promise((resolve) => (release = resolve));
      const inFlight = recent.page(instance.siteId, 0, 5000);
      await new Promise((resolve) => setTimeout(resolve, 50)); // its read has run and waits on `hold`
      await push(instance, 1, 1, 0);
      const after = recent.page(instance.siteId, 0, 5000);
      hold = null;
      release();
      const page = await after;
      const pulled = new Map(page.changeJson.map((json) => JSON.parse(json) as { uuid: string; version: number }).map((d) => [d.uuid, d.version]));
      assert.equal(pulled.size, page.changeJson.length, 'each device once');
      for (const [uuid, d] of instance.known) if (d.live) assert.equal(pulled.get(uuid), d.version, `round ${i}: ${uuid} at its pushed version`);
      assert.ok((await inFlight).latestVersion < page.latestVersion, 'the read in flight began before the push');
    }
  });

  it('counts the pulls it answers, those that read the database and the windows it forgets, for /readyz', async () => {
    const a = await enrol('window-stats-a');
    const b = await enrol('window-stats-b');
    await push(a, 6, 0, 0);
    await push(b, 6, 0, 0);
    // Room for about 7 changes of JSON: a's window holds 3, b's then 6, which forgets a's.
    const recent = new RecentChanges(db, { changesPerSite: 40, totalChars: 7 * 330 });
    const top = (await readPullPage(db, a.siteId, 0, 1)).latestVersion;

    const counts = () => {
      const { chars, ...rest } = recent.stats;
      assert.ok(rest.sites === 0 || chars > 0, 'an open window holds JSON');
      return rest;
    };
    await recent.page(a.siteId, top - 3, 1000); // opens a's window at this cursor
    await recent.page(a.siteId, top - 2, 1000);
    await recent.page(a.siteId, top - 5, 1000); // below the window: the database answers
    assert.deepEqual(counts(), { sites: 1, pullsFromWindow: 1, windowsOpened: 1, pullsFromDatabase: 1, windowsEvicted: 0 });

    await recent.page(b.siteId, 0, 1000);
    assert.deepEqual(counts(), { sites: 1, pullsFromWindow: 1, windowsOpened: 2, pullsFromDatabase: 1, windowsEvicted: 1 });
    await recent.page(a.siteId, top - 3, 1000); // a's window was forgotten: opened again, and b's goes
    assert.deepEqual(counts(), { sites: 1, pullsFromWindow: 1, windowsOpened: 3, pullsFromDatabase: 1, windowsEvicted: 2 });
  });

  it('a cursor below the tombstone horizon is still answered 410 once the window holds the site', async () => {
    const instance = await enrol('window-purge');
    const recent = new RecentChanges(db);
    await push(instance, 4, 0, 0);
    await recent.page(instance.siteId, 0, 1000);
    await push(instance, 0, 0, 2);
    await purgeEveryTombstone(db);
    await assert.rejects(recent.page(instance.siteId, 1, 1000), (error: unknown) => error instanceof HttpError && error.statusCode === 410);
    await assertSameAsDatabase(recent, instance.siteId, 1);
  });
});

describe('a window meeting a device row without its JSON (an older build wrote it; SQLite keeps the column nullable)', () => {
  it('fails only the pages that hold the row, and answers like the database once the row is whole', async () => {
    const store = await createTestCloudDb('sqlite');
    const db = await CloudDatabase.open(store.target);
    try {
      const { instanceId } = await enrollInstance(db, 'hq', null, now());
      const recent = new RecentChanges(db);
      const pushNew = (count: number, first: number) =>
        applyPushBatch(
          db,
          { instanceId, siteId: 'hq' },
          { batchId: randomUUID(), changes: Array.from({ length: count }, (_, i): PushChange => ({ uuid: randomUUID(), baseVersion: null, fields: { mac: `02:00:00:00:0d:${(first + i).toString(16).padStart(2, '0')}` }, deletedAt: null, updatedAt: now() })) },
          now(),
        );
      // Thirty changes held, so that what a failed read might leave behind is not swept out by chance.
      await pushNew(30, 0);
      assert.equal((await recent.page('hq', 0, 100)).changeJson.length, 30);
      // Versions 31 and 32 whole, then 33 written as an older build would: no device_json. One read of the window meets all three.
      await pushNew(2, 30);
      await db.execute('UPDATE sites SET last_version = 33 WHERE site_id = ?', ['hq']);
      const orphan = randomUUID();
      await db.execute('INSERT INTO devices (uuid, site_id, mac, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 33)', [orphan, 'hq', '02:00:00:00:0e:00', now(), now()]);

      await assert.rejects(recent.page('hq', 0, 100), /version 33 of site hq has no device_json/);
      assert.deepEqual(await recent.page('hq', 0, 32), await readPullPage(db, 'hq', 0, 32), 'a page before the row is served');
      await assert.rejects(recent.page('hq', 32, 10), /version 33 of site hq has no device_json/);

      await db.execute('UPDATE devices SET device_json = ? WHERE uuid = ?', [JSON.stringify({ uuid: orphan, version: 33 }), orphan]);
      for (let since = 0; since <= 34; since++) assert.deepEqual(await recent.page('hq', since, 10), await readPullPage(db, 'hq', since, 10), `since ${since}`);
    } finally {
      await db.close();
      await store.drop();
    }
  });
});
