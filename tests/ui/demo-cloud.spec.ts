import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { tempDir } from '../support/temp-dir';
import { expectAccessible } from './support/axe';
import { startUi, type ListeningProcess } from './support/processes';

/** A first-time user with no cloud: one click starts a demo cloud on 127.0.0.1 and a sync works at once, also after a restart. */
let dir: ReturnType<typeof tempDir>;
let ui: ListeningProcess;

test.beforeAll(async () => {
  dir = tempDir('sitesync-demo-');
  ui = await startUi(join(dir.path, 'pc'));
});

test.afterAll(async () => {
  await ui?.stop();
  dir?.remove();
});

test('start a demo cloud on this PC, add a device, sync it, and find it again after a restart', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(ui.url);
  await page.getByRole('button', { name: 'Start a demo cloud on this PC' }).click();
  await expect(page.getByText('A demo cloud is running on this PC')).toBeVisible();
  await expect(page.getByTestId('connection-pill')).toHaveText('Live');

  await page.getByRole('button', { name: 'Add device' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add device' });
  await dialog.getByLabel('Asset tag (MAC or asset tag required)').fill('DEMO-1');
  await dialog.getByRole('button', { name: 'Add device' }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('row', { name: /DEMO-1/ })).toContainText('Synced');

  // The demo cloud comes back on the same port with the app, so the enrolment stays valid.
  await ui.stop();
  ui = await startUi(join(dir.path, 'pc'));
  await page.goto(ui.url);
  await expect(page.getByTestId('connection-pill')).toHaveText('Live');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByText('This PC runs its own demo cloud.')).toBeVisible();
  await expectAccessible(page, 'the settings page with a demo cloud');
  await context.close();
});
