import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { tempDir } from '../support/temp-dir';
import { cli, startCloud, type ListeningProcess } from '../ui/support/processes';
import { findElectronBinary } from './electron-binary';

/**
 * The main story again, in the real Electron app: enrol, a bad MAC refused,
 * add, Sync now, the second PC (CLI) receives the device. Runs where an
 * Electron binary exists; elsewhere every test skips and says why.
 */
const binary = findElectronBinary();
const skipReason = 'missing' in binary ? `no Electron binary, so the Electron suite is skipped: ${binary.missing}` : null;
if (skipReason) console.log(skipReason);

test.describe.configure({ mode: 'serial' });
test.skip(skipReason !== null, skipReason ?? '');

const ROOT = join(__dirname, '..', '..');
let dir: ReturnType<typeof tempDir>;
let cloudDb: string;
let cloud: ListeningProcess;
let app: ElectronApplication;
let window: Page;

test.beforeAll(async () => {
  dir = tempDir('sitesync-electron-');
  cloudDb = join(dir.path, 'cloud.db');
  cloud = await startCloud(cloudDb);
  app = await electron.launch({
    executablePath: (binary as { path: string }).path,
    args: [ROOT, '--no-sandbox'],
    env: { ...process.env, SITESYNC_DATA_DIR: join(dir.path, 'pc1') },
  });
  window = await app.firstWindow();
});

test.afterAll(async () => {
  await app?.close();
  await cloud?.stop();
  dir?.remove();
});

const enrollToken = async () => (await cli<{ token: string }>(['cloud', '--db', cloudDb, 'enroll', '--site', 'electron-site'])).token;

test('the page gets window.sitesync and nothing of Node or Electron', async () => {
  expect(window.url()).toBe('sitesync://app/index.html');
  const globals = await window.evaluate(() => ({
    sitesync: typeof window.sitesync?.devices.list,
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    ipcRenderer: typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer,
  }));
  expect(globals).toEqual({ sitesync: 'function', require: 'undefined', process: 'undefined', ipcRenderer: 'undefined' });
  const webPreferences = await app.evaluate(({ BrowserWindow }) => {
    const prefs = BrowserWindow.getAllWindows()[0].webContents.getLastWebPreferences()!;
    return { contextIsolation: prefs.contextIsolation, sandbox: prefs.sandbox, nodeIntegration: prefs.nodeIntegration };
  });
  expect(webPreferences).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
});

test('enrol, add a device (a bad MAC refused first), Sync now, and the second PC has it', async () => {
  await window.getByLabel('Cloud address').fill(cloud.url);
  await window.getByLabel('Enrolment token').fill(await enrollToken());
  await window.getByRole('button', { name: 'Enrol this PC' }).click();
  await expect(window.getByRole('heading', { name: 'Devices', exact: true })).toBeVisible();

  await window.getByRole('button', { name: 'Add device' }).first().click();
  const dialog = window.getByRole('dialog', { name: 'Add device' });
  await dialog.getByLabel(/MAC address/).fill('not-a-mac');
  await expect(dialog.getByTestId('error-mac')).toContainText('expected a MAC address');
  await dialog.getByLabel(/MAC address/).fill('aabb.cc00.1122');
  await dialog.getByLabel('Host name').fill('ap-lobby');
  await dialog.getByRole('button', { name: 'Add device' }).click();
  await expect(window.getByRole('row', { name: /ap-lobby/ })).toContainText('Pending');

  await window.getByRole('button', { name: 'Sync now' }).click();
  await expect(window.getByRole('row', { name: /ap-lobby/ })).toContainText('Synced');

  const secondPc = join(dir.path, 'pc2');
  await cli(['--data-dir', secondPc, 'init', '--cloud', cloud.url, '--token', await enrollToken()]);
  await cli(['--data-dir', secondPc, 'sync']);
  const devices = await cli<{ mac: string; hostname: string }[]>(['--data-dir', secondPc, 'device', 'list']);
  expect(devices.map((d) => [d.mac, d.hostname])).toEqual([['aa:bb:cc:00:11:22', 'ap-lobby']]);
});
