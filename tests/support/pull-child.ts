/**
 * A separate process that pulls into a data dir and prints a line after each
 * committed page, so a test can kill it part-way through an initial sync.
 * Usage: node --import tsx tests/support/pull-child.ts DATA_DIR PAGE_SIZE
 */
import { LocalApp } from '../../src/app/local-app';

async function run() {
  const [dataDir, pageSize] = process.argv.slice(2);
  const app = await LocalApp.open({ dataDir, pullPageSize: Number(pageSize), retryDelaysMs: [] });
  await app.sync({
    direction: 'pull',
    onProgress: (progress) => process.stdout.write(`committed ${progress.done}\n`),
  });
  await app.close();
  process.stdout.write('done\n');
}

void run();
