import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { LocalApp } from '../../src/app/local-app';
import { upsertDevices } from '../../src/db/local/device-store';
import type { Device } from '../../src/domain/device';
import { tempDir } from '../support/temp-dir';
import { cli, startCloud, startUi, type ListeningProcess } from './support/processes';

const COUNT = 100_000;

/** 100,000 devices written straight into the store, as a large site's first pull would leave them. */
async function seed(dataDir: string, siteId: string) {
  const app = await LocalApp.open({ dataDir });
  const now = new Date().toISOString();
  const rows = Array.from({ length: COUNT }, (_, i) => {
    const hex = i.toString(16).padStart(6, '0');
    const device: Device = {
      uuid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      siteId,
      hostname: `sw-${String(i).padStart(6, '0')}`,
      mac: `02:00:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      assetTag: `IT-${i}`,
      serial: null,
      model: 'C9300-48P',
      vendor: 'Cisco',
      location: `Rack ${i % 40}`,
      notes: null,
      status: i % 10 === 0 ? 'spare' : 'active',
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    // Synced rows (pushed up to their own change), so the workers have nothing to send.
    return { device, localSeq: i + 1, pushedSeq: i + 1 };
  });
  await app.db.write((tx) => upsertDevices(tx, rows));
  await app.close();
}

let dir: ReturnType<typeof tempDir>;
let ui: ListeningProcess;

test.beforeAll(async () => {
  dir = tempDir('sitesync-100k-');
  const dataDir = join(dir.path, 'pc');
  const cloudDb = join(dir.path, 'cloud.db');
  const cloud = await startCloud(cloudDb);
  const { token } = await cli<{ token: string }>(['cloud', '--db', cloudDb, 'enroll', '--site', 'big-site']);
  await cli(['--data-dir', dataDir, 'init', '--cloud', cloud.url, '--token', token]);
  await cloud.stop();
  await seed(dataDir, 'big-site');
  ui = await startUi(dataDir);
});

test.afterAll(async () => {
  await ui?.stop();
  dir?.remove();
});

test('the device table stays light and smooth at 100,000 rows', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(ui.url);
  await expect(page.getByText(`${COUNT.toLocaleString('en-US')} of ${COUNT.toLocaleString('en-US')} devices`)).toBeVisible({ timeout: 30_000 });

  const rows = page.getByTestId('device-rows').getByRole('row');
  expect(await rows.count()).toBeLessThan(60);

  // Scroll through the whole list a frame at a time and time the frames the browser draws.
  const frames = await page.evaluate(async () => {
    const body = document.querySelector<HTMLElement>('[data-testid="device-rows"]')!;
    const times: number[] = [];
    let last = performance.now();
    for (let step = 0; step <= 60; step++) {
      body.scrollTop = (body.scrollHeight * step) / 60;
      await new Promise(requestAnimationFrame);
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times.sort((a, b) => a - b);
  });
  const p90 = frames[Math.floor(frames.length * 0.9)];
  console.log(`100k rows: 90th percentile frame while scrolling ${p90.toFixed(1)} ms`);
  expect(p90).toBeLessThan(100);
  await expect(page.getByRole('row', { name: /sw-099999/ })).toBeVisible();
  expect(await rows.count()).toBeLessThan(60);

  await page.getByRole('searchbox').fill('sw-012345');
  await expect(page.getByText(`1 of ${COUNT.toLocaleString('en-US')} devices`)).toBeVisible();
  await expect(page.getByRole('row', { name: /sw-012345/ })).toContainText('02:00:00:00:30:39');
  await page.context().close();
});
