import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { cli, startCloud, startUi } from './support/processes';
import { startUiWorld, type UiWorld } from './support/ui-world';

/**
 * The details a technician meets beside the main story (tests/ui/story.spec.ts):
 * enrolment errors on the field to fix, where keyboard focus goes, finding a
 * MAC typed as on its label, which device holds a duplicate, a delete
 * conflict shown as a deletion, and success notices that do not linger.
 */

test.describe.configure({ mode: 'serial' });

let world: UiWorld;
let page: Page;
let uuid: string;

const token = async (name: string) => (await cli<{ token: string }>(['cloud', '--db', world.cloudDb, 'enroll', '--site', 'depot', '--name', name])).token;

test.beforeAll(async ({ browser }) => {
  world = await startUiWorld(browser, 'sitesync-ui-details-');
  page = world.page;
});

test.afterAll(() => world?.stop());

test('enrolment errors sit under the field to fix, in words', async () => {
  await page.goto(world.ui.url);
  await page.getByLabel('Cloud address').fill('http://127.0.0.1:1');
  await page.getByLabel('Enrolment token').fill('0123456789abcdef0123456789abcdef');
  await page.getByRole('button', { name: 'Enrol this PC' }).click();
  await expect(page.locator('#enrol-url-error')).toContainText('expected a SiteSync cloud at http://127.0.0.1:1: nothing answers there');

  await page.getByLabel('Cloud address').fill(world.cloud.url);
  await page.getByRole('button', { name: 'Enrol this PC' }).click();
  await expect(page.locator('#enrol-token-error')).toContainText('expected a token this cloud knows');
  await expect(page.locator('#enrol-url-error')).toHaveCount(0);

  await page.getByLabel('Enrolment token').fill(await token('pc1'));
  await page.getByRole('button', { name: 'Enrol this PC' }).click();
  await expect(page.getByRole('heading', { name: 'Devices', exact: true }), 'focus goes to the new page, not lost').toBeFocused();
});

test('a dialog starts on its first field and gives focus back to the button that opened it', async () => {
  const opener = page.getByRole('button', { name: 'Add device' }).first();
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Add device' });
  await expect(dialog.getByLabel(/MAC address/)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await opener.click();
  await dialog.getByLabel(/MAC address/).fill('AA-BB-CC-00-77-01');
  await dialog.getByLabel('Host name').fill('ap-dock-1');
  await dialog.getByRole('button', { name: 'Add device' }).click();
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  const row = page.getByRole('row', { name: /ap-dock-1/ });
  uuid = (await row.getAttribute('data-uuid'))!;
  await expect(row).toContainText('Synced');
});

test('a MAC already used names the device that has it', async () => {
  await page.getByRole('button', { name: 'Add device' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add device' });
  await dialog.getByLabel(/MAC address/).fill('aabb.cc00.7701');
  await dialog.getByRole('button', { name: 'Add device' }).click();
  await expect(dialog.getByTestId('error-mac')).toContainText(`ap-dock-1 (device ${uuid}) has aa:bb:cc:00:77:01`);
  await page.keyboard.press('Escape');
});

test('a MAC typed as on its label finds the device', async () => {
  const search = page.getByRole('searchbox');
  for (const typed of ['AA-BB-CC-00-77-01', 'aabb.cc00.7701', 'aabbcc007701', 'AA-BB-CC']) {
    await search.fill(typed);
    await expect(page.getByRole('row', { name: /ap-dock-1/ }), typed).toBeVisible();
  }
  await search.fill('AA-BB-CC-00-77-02');
  await expect(page.getByRole('row', { name: /ap-dock-1/ })).toHaveCount(0);
  await search.fill('');
});

test('at 800 px wide the row actions stay in view', async () => {
  const wide = page.viewportSize()!;
  await page.setViewportSize({ width: 800, height: 600 });
  try {
    const row = page.getByRole('row', { name: /ap-dock-1/ });
    await expect(row.getByRole('button', { name: 'Edit ap-dock-1' })).toBeInViewport({ ratio: 1 });
    await expect(row.getByRole('button', { name: 'Delete ap-dock-1' })).toBeInViewport({ ratio: 1 });
    await page.screenshot({ path: join(__dirname, '..', 'screenshots', 'devices-800px.png') });
  } finally {
    await page.setViewportSize(wide);
  }
});

test('a success notice goes by itself after a few seconds', async () => {
  await expect(page.getByText('Device added on this PC.')).toBeHidden({ timeout: 15_000 });
});

test('Sync now says what the run left: here, nothing; the notice stays while the pointer rests on it', async () => {
  await page.getByRole('button', { name: 'Sync now' }).click();
  const notice = page.getByText('Sync finished: this PC and the cloud are up to date.');
  await expect(notice).toBeVisible();
  await notice.hover();
  await page.waitForTimeout(10_000); // past the 8 s a success stays by itself
  await expect(notice).toBeVisible();
  await page.mouse.move(0, 600);
  await expect(notice).toBeHidden({ timeout: 15_000 });
});

test('a delete conflict shows the deletion as such, and which side deleted', async () => {
  await cli(['--data-dir', world.other, 'init', '--cloud', world.cloud.url, '--token', await token('pc2')]);
  await cli(['--data-dir', world.other, 'sync']);
  // This PC deletes the device while switched off; the other PC changes it meanwhile.
  await world.ui.stop();
  await cli(['--data-dir', world.here, 'device', 'delete', uuid]);
  await cli(['--data-dir', world.other, 'device', 'edit', uuid, '--location', 'Dock 2']);
  await cli(['--data-dir', world.other, 'sync']);
  world.ui = await startUi(world.here);
  await page.goto(world.ui.url);
  await expect(page.getByTestId('conflicts-badge')).toHaveText('1');
  await page.getByRole('button', { name: /Conflicts/ }).click();
  await expect(page.getByRole('navigation', { name: 'Open conflicts' })).toContainText('Deleted here, changed in the cloud · Location');
  const resolver = page.getByRole('article', { name: /Conflict of ap-dock-1/ });
  const location = resolver.locator('tr[data-field="location"]');
  await expect(location).toContainText('changed');
  await expect(location.locator('td').nth(1)).toHaveText('deleted');
  await expect(location.locator('td').nth(2)).toHaveText('Dock 2');
  await expect(resolver.locator('tr[data-field="hostname"] td').nth(2)).toHaveText('ap-dock-1');
  await expect(resolver.getByText('merged')).toHaveCount(0);
  await page.screenshot({ path: join(__dirname, '..', 'screenshots', 'conflict-delete.png') });

  await resolver.getByRole('button', { name: 'Restore the cloud’s version' }).click();
  await expect(page.getByText('Conflict resolved.')).toBeVisible();
});

test('a deletion the cloud does not have yet stays listed, struck through, until it does', async () => {
  const port = Number(new URL(world.cloud.url).port);
  await world.cloud.stop();
  await page.getByRole('button', { name: 'Devices', exact: true }).click();
  const row = page.locator(`[role="row"][data-uuid="${uuid}"]`);
  await row.getByRole('button', { name: 'Delete ap-dock-1' }).click();
  await page.getByRole('button', { name: 'Delete device' }).click();
  await expect(row.getByTestId('pending-marker')).toHaveText('Deleting');
  await expect(row, 'named as the technician knew it: a tombstone keeps no host name').toContainText('ap-dock-1');
  await expect(row.getByRole('button')).toHaveCount(0);
  await expect(page.getByText('1 waiting to sync')).toBeVisible();
  await page.screenshot({ path: join(__dirname, '..', 'screenshots', 'devices-deleting.png') });

  world.cloud = await startCloud(world.cloudDb, port);
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(row).toHaveCount(0);
});
