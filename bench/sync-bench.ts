/**
 * `npm run bench`: how fast the sync moves N devices, against a yardstick
 * measured in the same run on the same disk (a raw prepared single-row
 * insert of N rows in one transaction through sqlite3; the median of three,
 * as a shared disk makes single runs vary by 2x). The no-op sync is the
 * median of five. The cloud runs in
 * its own process (the real `sitesync cloud serve`), and the initial pull
 * runs in a fresh process of its own, so its peak RSS is the local
 * process's alone. Writes bench/results.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import sqlite3 from 'sqlite3';
import { LocalApp } from '../src/app/local-app';
import { upsertDevices, upsertSyncStates } from '../src/db/local/device-store';
import { emptyFields, type Device } from '../src/domain/device';
import type { AttemptSummary } from '../src/sync/sync-context';
import { startCloudProcess } from '../tests/support/cloud-process';
import { tempDir } from '../tests/support/temp-dir';

const BIN = join(__dirname, '..', 'bin', 'sitesync.js');
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);

interface Run {
  n: number;
  rawInsertS: number;
  initialPushS: number;
  initialPullS: number;
  incrementalPushS: number;
  incrementalPullS: number;
  noopSyncS: number;
  peakRssMb: number;
}

function macOf(i: number): string {
  const hex = i.toString(16).padStart(10, '0');
  return `02:${hex.match(/../g)!.join(':')}`;
}

function deviceOf(i: number, siteId: string, now: string): Device {
  return {
    uuid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    siteId,
    ...emptyFields(),
    hostname: `dev-${i}.site.lan`,
    mac: macOf(i),
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    assetTag: `A-${i}`,
    model: 'C9300-48P',
    vendor: 'Cisco',
    location: `rack ${i % 40}`,
    status: 'active',
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
}

/** The yardstick: N single-row inserts of a device-sized row through one prepared statement, one transaction. */
function rawInsert(file: string, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file);
    const now = new Date().toISOString();
    db.serialize(() => {
      db.run('PRAGMA journal_mode = WAL');
      db.run(`CREATE TABLE devices (uuid TEXT PRIMARY KEY, site_id TEXT, hostname TEXT, mac TEXT, ip TEXT, asset_tag TEXT, serial TEXT, model TEXT,
        vendor TEXT, location TEXT, notes TEXT, status TEXT, created_at TEXT, updated_at TEXT, deleted_at TEXT, local_seq INTEGER, pushed_seq INTEGER)`);
      const started = performance.now();
      db.run('BEGIN');
      const statement = db.prepare('INSERT INTO devices VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
      for (let i = 0; i < n; i++) {
        const d = deviceOf(i, 'bench', now);
        statement.run(d.uuid, d.siteId, d.hostname, d.mac, d.ip, d.assetTag, d.serial, d.model, d.vendor, d.location, d.notes, d.status, d.createdAt, d.updatedAt, d.deletedAt, i, i);
      }
      statement.finalize();
      db.run('COMMIT', (error) => {
        if (error) return reject(error);
        const seconds = (performance.now() - started) / 1000;
        db.close(() => resolve(seconds));
      });
    });
  });
}

function enroll(dbFile: string, siteId: string): string {
  const result = spawnSync(process.execPath, [BIN, '--json', 'cloud', '--db', dbFile, 'enroll', '--site', siteId], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout).token;
}

/** The middle of `runs` measurements: one disk hiccup or GC pause does not decide a figure. */
async function median(runs: number, measure: () => Promise<number>): Promise<number> {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) seconds.push(await measure());
  return seconds.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { seconds: (performance.now() - started) / 1000, result };
}

/** The initial pull into an enrolled, empty data dir, in a fresh process: its own time and peak RSS. */
async function pullInFreshProcess(dataDir: string): Promise<{ seconds: number; peakRssMb: number; pull: AttemptSummary }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'tests', 'support', 'sync-child.ts'), dataDir, 'pull'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('done ')) return JSON.parse(line.slice('done '.length));
  }
  throw new Error('the pull process ended without a result');
}

function assertOk(outcome: Awaited<ReturnType<LocalApp['sync']>>, expected: { push?: number; pull?: number }) {
  for (const [direction, count] of Object.entries(expected)) {
    const attempt = outcome[direction as 'push' | 'pull'];
    const moved = direction === 'push' ? attempt?.applied : attempt?.received;
    if (attempt?.status !== 'ok' || moved !== count) throw new Error(`${direction} moved ${moved} (status ${attempt?.status}, ${attempt?.error}), expected ${count}`);
  }
}

async function benchmark(n: number): Promise<Run> {
  const dir = tempDir('sitesync-bench-');
  const cloudDb = join(dir.path, 'cloud.db');
  let rawRun = 0;
  const rawInsertS = await median(3, () => rawInsert(join(dir.path, `raw-${rawRun++}.db`), n));
  enroll(cloudDb, 'bench');
  const cloud = await startCloudProcess(cloudDb, { env: { SITESYNC_LOG_LEVEL: 'warn' } });
  const full = await LocalApp.open({ dataDir: join(dir.path, 'full') });
  const emptyDir = join(dir.path, 'empty');
  const enrolEmpty = await LocalApp.open({ dataDir: emptyDir });
  await enrolEmpty.init(cloud.url, enroll(cloudDb, 'bench'));
  await enrolEmpty.close();
  let empty: LocalApp | null = null;
  try {
    await full.init(cloud.url, enroll(cloudDb, 'bench'));
    // A full instance: N devices recorded offline, never pushed.
    const now = new Date().toISOString();
    await full.db.write(async (tx) => {
      const devices = Array.from({ length: n }, (_, i) => deviceOf(i, 'bench', now));
      await upsertDevices(tx, devices.map((device, i) => ({ device, localSeq: i + 1, pushedSeq: 0 })));
      await upsertSyncStates(tx, devices.map((d) => ({ uuid: d.uuid, baseVersion: null, base: null })));
    });

    const initialPush = await timed(() => full.sync({ direction: 'push' }));
    assertOk(initialPush.result, { push: n });
    const initialPull = await pullInFreshProcess(emptyDir);
    assertOk({ pull: initialPull.pull }, { pull: n });
    empty = await LocalApp.open({ dataDir: emptyDir });

    const changed = Math.max(1, Math.floor(n / 100));
    const devices = await full.listDevices();
    for (let i = 0; i < changed; i++) await full.editDevice(devices[(i * 97) % n].uuid, { notes: `audit ${i}` });
    const incrementalPush = await timed(() => full.sync({ direction: 'push' }));
    assertOk(incrementalPush.result, { push: changed });
    const incrementalPull = await timed(() => empty!.sync({ direction: 'pull' }));
    assertOk(incrementalPull.result, { pull: changed });
    const noopSyncS = await median(5, async () => {
      const noop = await timed(() => empty!.sync());
      assertOk(noop.result, { push: 0, pull: 0 });
      return noop.seconds;
    });

    return {
      n,
      rawInsertS,
      initialPushS: initialPush.seconds,
      initialPullS: initialPull.seconds,
      incrementalPushS: incrementalPush.seconds,
      incrementalPullS: incrementalPull.seconds,
      noopSyncS,
      peakRssMb: initialPull.peakRssMb,
    };
  } finally {
    await full.close();
    await empty?.close();
    await cloud.stop();
    dir.remove();
  }
}

function printRun(run: Run) {
  const changed = Math.max(1, Math.floor(run.n / 100));
  const rows: [string, number, number][] = [
    ['raw insert (yardstick)', run.rawInsertS, run.n],
    ['initial pull, empty instance', run.initialPullS, run.n],
    ['initial push, full instance', run.initialPushS, run.n],
    [`incremental push (${changed} changed)`, run.incrementalPushS, changed],
    [`incremental pull (${changed} changed)`, run.incrementalPullS, changed],
    ['no-op sync (push + pull)', run.noopSyncS, 0],
  ];
  console.log(`\nN = ${run.n.toLocaleString('en')}   peak RSS of the local process during the initial pull: ${run.peakRssMb.toFixed(0)} MB`);
  console.log(`${'step'.padEnd(34)}${'seconds'.padStart(10)}${'records/s'.padStart(12)}${'x raw'.padStart(8)}`);
  for (const [name, seconds, records] of rows) {
    const rate = records ? Math.round(records / seconds).toLocaleString('en') : '-';
    console.log(`${name.padEnd(34)}${seconds.toFixed(3).padStart(10)}${rate.padStart(12)}${(seconds / run.rawInsertS).toFixed(2).padStart(8)}`);
  }
}

async function main() {
  const runs: Run[] = [];
  for (const n of SIZES) {
    const run = await benchmark(n);
    printRun(run);
    runs.push(run);
  }
  const small = runs.find((r) => r.n === Math.min(...SIZES));
  const large = runs.find((r) => r.n === Math.max(...SIZES));
  if (small && large && small !== large) {
    console.log(`\nno-op sync at ${large.n.toLocaleString('en')} vs ${small.n.toLocaleString('en')}: ${(large.noopSyncS / small.noopSyncS).toFixed(2)}x`);
  }
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify({ machine: `${process.platform} ${process.arch}, node ${process.version}`, runs }, null, 2)}\n`);
  console.log('\nwritten to bench/results.json');
}

void main();
