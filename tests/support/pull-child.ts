/**
 * A separate process that pulls into a data dir and prints a line after each
 * committed page, so a test can kill it part-way through an initial sync,
 * then `done` with its time and peak memory (the benchmark reads those).
 * Usage: node --import tsx tests/support/pull-child.ts DATA_DIR [PAGE_SIZE]
 */
import { LocalApp } from '../../src/app/local-app';

async function run() {
  const [dataDir, pageSize] = process.argv.slice(2);
  const app = await LocalApp.open({ dataDir, pullPageSize: pageSize ? Number(pageSize) : undefined, retryDelaysMs: [] });
  const started = performance.now();
  const outcome = await app.sync({
    direction: 'pull',
    onProgress: (progress) => process.stdout.write(`committed ${progress.done}\n`),
  });
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`done ${JSON.stringify({ seconds, peakRssMb, pull: outcome.pull })}\n`);
}

void run();
