/**
 * A separate process that syncs a data dir (`pull`, `push` or `both`) and
 * prints a line after each committed page, so a test can kill it part-way,
 * then `done` with its time and peak memory (the benchmark reads those).
 * Usage: node --import tsx tests/support/sync-child.ts DATA_DIR DIRECTION [PAGE_SIZE]
 */
import { LocalApp } from '../../src/app/local-app';

async function run() {
  const [dataDir, direction, pageSize] = process.argv.slice(2) as [string, 'pull' | 'push' | 'both', string | undefined];
  const app = await LocalApp.open({ dataDir, pullPageSize: pageSize ? Number(pageSize) : undefined, retryDelaysMs: [] });
  const started = performance.now();
  const outcome = await app.sync({
    direction,
    onProgress: (progress) => process.stdout.write(`committed ${progress.done}\n`),
  });
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`done ${JSON.stringify({ seconds, peakRssMb, pull: outcome.pull, push: outcome.push })}\n`);
}

void run();
