import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/axe';
import { cli, startCloud, startUi } from './support/processes';
import { startUiWorld, type UiWorld } from './support/ui-world';

/**
 * The desktop story in a real browser: this PC through `sitesync ui`, a
 * second PC through the CLI, one real cloud on 127.0.0.1. Step by step:
 * enrol, add (a bad MAC first), sync, conflict, resolve, cloud down.
 */

interface CliDevice {
  uuid: string;
  hostname: string | null;
  mac: string | null;
  ip: string | null;
  location: string | null;
}

const SCREENSHOTS = join(__dirname, '..', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

test.describe.configure({ mode: 'serial' });

let world: UiWorld;
let page: Page;
let deviceUuid: string;

/** The whole page: the viewport grows to the scrolling main area's height for the picture, then comes back. */
async function shot(name: string) {
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? main.scrollHeight + main.getBoundingClientRect().top : document.body.scrollHeight;
  });
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.ceil(height)) });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  await page.setViewportSize(viewport);
}
const enrollToken = async (name: string) => (await cli<{ token: string }>(['cloud', '--db', world.cloudDb, 'enroll', '--site', 'warehouse-3', '--name', name])).token;
const onSecondPc = <T>(...args: string[]) => cli<T>(['--data-dir', world.other, ...args]);

/** The newest audit row of a manual run, and whether the worker is still running, as the page's API tells. */
function manualRunState() {
  return page.evaluate(async () => {
    const log = await window.sitesync!.log.list({ limit: 20 });
    const state = await window.sitesync!.sync.state({});
    const manual = log.ok ? log.value.filter((row) => row.trigger === 'manual').map((row) => row.id) : [];
    return { lastManualRow: Math.max(0, ...manual), running: state.ok && state.value.phase === 'running' };
  });
}

/**
 * Clicks Sync now and waits until that run is over: its audit row is written and the worker is no longer
 * running. The button alone cannot tell: right after the click it still reads "Sync now", before the
 * worker's first event arrives.
 */
async function syncNow() {
  const button = page.getByRole('button', { name: /^(Sync now|Syncing…)$/ });
  await expect(button).toHaveText('Sync now');
  const before = (await manualRunState()).lastManualRow;
  await button.click();
  await expect.poll(async () => {
    const now = await manualRunState();
    return now.lastManualRow > before && !now.running;
  }).toBe(true);
  await expect(button).toHaveText('Sync now');
}

test.beforeAll(async ({ browser }) => {
  world = await startUiWorld(browser, 'sitesync-ui-');
  page = world.page;
});

test.afterAll(() => world?.stop());

test('the bridge refuses a page load without its secret', async ({ request }) => {
  const origin = new URL(world.ui.url).origin;
  expect((await request.get(`${origin}/`)).status()).toBe(404);
  expect((await request.get(`${origin}/wrong-secret/`)).status()).toBe(404);
  const page = await request.get(world.ui.url);
  expect(page.status()).toBe(200);
  expect(page.headers()['content-security-policy']).toContain("script-src 'self'");
});

test('first run: enrol this PC with the cloud URL and token', async () => {
  await page.goto(world.ui.url);
  await expect(page.getByRole('heading', { name: 'Welcome to SiteSync' })).toBeVisible();
  await shot('enrol');
  await expectAccessible(page, 'the enrol page');

  await page.getByLabel('Cloud address').fill(world.cloud.url);
  await page.getByLabel('Enrolment token').fill('too-short');
  await page.getByRole('button', { name: 'Enrol this PC' }).click();
  await expect(page.locator('#enrol-token-error')).toContainText('expected the token printed by `sitesync cloud enroll`');

  await page.getByLabel('Enrolment token').fill(await enrollToken('pc1'));
  await page.getByRole('button', { name: 'Enrol this PC' }).click();
  await expect(page.getByRole('heading', { name: 'Devices', exact: true })).toBeVisible();
  await expect(page.getByTestId('connection-pill')).toHaveText('Live');
});

test('add a device: a bad MAC is refused next to the field and nothing is saved', async () => {
  await page.getByRole('button', { name: 'Add device' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add device' });
  await dialog.getByLabel(/MAC address/).fill('AA-BB-CC-00-11');
  await expect(dialog.getByTestId('error-mac')).toContainText('expected a MAC address like aa:bb:cc:dd:ee:ff');
  await dialog.getByLabel('IP address').fill('10.0.0.05');
  await expect(dialog.getByTestId('error-ip')).toContainText('no leading zeros');
  await shot('device-form-errors');
  await expectAccessible(page, 'the device form with errors');

  await dialog.getByRole('button', { name: 'Add device' }).click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel(/MAC address/)).toBeFocused();
  expect(await page.evaluate(() => window.sitesync!.devices.list({}))).toEqual({ ok: true, value: [] });

  await dialog.getByLabel(/MAC address/).fill('AA-BB-CC-00-11-22');
  await expect(dialog.getByText('Saved as aa:bb:cc:00:11:22')).toBeVisible();
  await dialog.getByLabel('IP address').fill('10.0.0.5');
  await dialog.getByLabel('Host name').fill('sw-core-01');
  await dialog.getByLabel('Location').fill('Building A');
  await dialog.getByRole('button', { name: 'Add device' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('row', { name: /sw-core-01/ });
  await expect(row).toContainText('aa:bb:cc:00:11:22');
  deviceUuid = (await row.getAttribute('data-uuid'))!;
});

test('Sync now shows progress, and the second PC receives the device', async () => {
  // Record what the header shows while the run is under way: a progress bar, fed by worker events.
  await page.evaluate(() => {
    const seen = ((window as unknown as { progressSeen: string[] }).progressSeen = []);
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="sync-progress"]');
      if (bar) seen.push(bar.getAttribute('aria-valuetext') ?? '');
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await syncNow();
  const progress = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  expect(progress.filter((text) => /^(Starting sync…|Sending changes: \d+|Receiving changes: \d+)/.test(text)).length).toBeGreaterThan(0);
  await expect(page.locator(`[role="row"][data-uuid="${deviceUuid}"]`)).toContainText('Synced');
  await shot('devices');
  await expectAccessible(page, 'the devices page');

  await onSecondPc('init', '--cloud', world.cloud.url, '--token', await enrollToken('pc2'));
  await onSecondPc('sync');
  const devices = await onSecondPc<CliDevice[]>('device', 'list');
  expect(devices.map((d) => [d.uuid, d.mac, d.hostname])).toEqual([[deviceUuid, 'aa:bb:cc:00:11:22', 'sw-core-01']]);
});

test('a same-field conflict is resolved per field, side by side, and both PCs agree', async () => {
  // This PC is switched off while both PCs change the same fields: its change is made through the CLI on its
  // data dir (they share the database), the other PC syncs first. (With the app running, a live pull would
  // bring the other change before anyone could type a conflicting one.)
  await world.ui.stop();
  await cli(['--data-dir', world.here, 'device', 'edit', deviceUuid, '--hostname', 'sw-core-01a', '--location', 'Building A, rack 3', '--ip', '10.0.0.6']);
  await onSecondPc('device', 'edit', deviceUuid, '--hostname', 'sw-core-02', '--location', 'Building B');
  await onSecondPc('sync');

  // Switched on again: the start-up sync pushes this PC's change and the cloud answers with a conflict.
  world.ui = await startUi(world.here);
  await page.goto(world.ui.url);
  await expect(page.getByTestId('conflicts-badge')).toHaveText('1');
  await page.getByRole('button', { name: /Conflicts/ }).click();
  const resolver = page.getByRole('article', { name: /Conflict of sw-core-01a/ });
  await expect(resolver.locator('tr[data-field="hostname"]')).toHaveClass(/row-disputed/);
  await expect(resolver.locator('tr[data-field="location"]')).toHaveClass(/row-disputed/);
  await expect(resolver.locator('tr[data-field="ip"]')).toHaveClass(/row-merged/);
  await shot('conflicts');
  await expectAccessible(page, 'the conflicts page');

  // Keyboard only: the cloud's host name, this PC's location.
  await resolver.getByRole('radio', { name: /keep the cloud’s Host name/ }).focus();
  await page.keyboard.press('Space');
  await expect(resolver.locator('tr[data-field="hostname"] th')).toContainText('chosen');
  await resolver.getByRole('radio', { name: /keep this PC’s Location/ }).focus();
  await page.keyboard.press('Space');
  await resolver.getByRole('button', { name: 'Apply choices' }).click();
  await expect(page.getByText('Conflict resolved.')).toBeVisible();
  await expect(page.getByTestId('conflicts-badge')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No conflicts' }), 'focus moves on, not to the page').toBeFocused();
  await shot('conflicts-resolved');

  await syncNow();
  await onSecondPc('sync');
  const there = (await onSecondPc<CliDevice[]>('device', 'list'))[0];
  const here = await page.evaluate(async (uuid) => {
    const outcome = await window.sitesync!.devices.get({ uuid });
    return outcome.ok ? outcome.value : null;
  }, deviceUuid);
  expect(here).toMatchObject({ hostname: 'sw-core-02', location: 'Building A, rack 3', ip: '10.0.0.6' });
  expect(there).toMatchObject({ hostname: here!.hostname, location: here!.location, ip: here!.ip, mac: here!.mac });
});

test('diagnostics show every attempt, including a failed one while the cloud is stopped', async () => {
  const port = Number(new URL(world.cloud.url).port);
  await world.cloud.stop();
  await syncNow();
  await expect(page.getByTestId('connection-pill')).toHaveText('Offline');

  // A change made offline waits on this PC, marked as pending.
  await page.getByRole('button', { name: 'Devices', exact: true }).click();
  const row = page.locator(`[role="row"][data-uuid="${deviceUuid}"]`);
  await row.getByRole('button', { name: 'Edit sw-core-02' }).click();
  await page.getByRole('dialog', { name: 'Edit device' }).getByLabel('Notes').fill('Changed while the cloud was down');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(row.getByTestId('pending-marker')).toBeVisible();
  await shot('devices-pending');

  await page.getByRole('button', { name: 'Diagnostics' }).click();
  const attempts = page.getByTestId('attempts');
  const failed = attempts.locator('tr.attempt-error', { hasText: 'manual' }).first();
  await expect(failed).toContainText('cloud unreachable');
  await expect(attempts.locator('tr.attempt-ok').first()).toBeVisible();
  await expect(page.getByTestId('diag-worker')).toContainText('Retrying after a failure');
  await expect(page.getByRole('img', { name: /Sync durations/ })).toBeVisible();
  await shot('diagnostics-offline');
  await expectAccessible(page, 'the diagnostics page');

  world.cloud = await startCloud(world.cloudDb, port);
  await syncNow();
  await expect(page.getByTestId('connection-pill')).toHaveText('Live');
  await expect(page.getByTestId('diag-last-sync')).not.toContainText('unreachable');
  await expect(page.getByTestId('diag-pending')).toContainText('Changes to send0');
  // `sitesync ui` has no system key store to use: the page says where the token is instead.
  await expect(page.getByTestId('diag-token')).toHaveText('In a file only this user can read (no system key store)');
  await shot('diagnostics');
  await page.getByRole('button', { name: 'Devices', exact: true }).click();
  await expect(row).toContainText('Synced');
});

test('settings: the interval is checked and saved', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Every (seconds)').fill('3');
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.locator('#settings-interval-error')).toHaveText('expected at least 10 seconds');
  await page.getByLabel('Every (seconds)').fill('120');
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await shot('settings');
  await expectAccessible(page, 'the settings page');
});
