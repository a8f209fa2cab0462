import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { BRIDGE_SOCKET_PATH } from '../../src/contract/bridge';
import { tempDir } from '../support/temp-dir';
import { cli, startCloud, startUi, type ListeningProcess } from './support/processes';

/**
 * A decision made against cloud values that changed while the person was
 * deciding (decision 41), then against a conflict resolved beside the app,
 * in the real renderer. The app's own live pull
 * refreshes the conflict; the page learns of it through a `dataChanged`
 * event, which this test holds back, as a slow event would be, so the click
 * lands on the old values.
 */

interface CliConflict {
  id: number;
  remoteVersion: number;
  remote: { hostname: string | null };
}

let dir: ReturnType<typeof tempDir>;
let cloud: ListeningProcess;
let ui: ListeningProcess;
let page: Page;
let holdDataChanged = false;

test.afterAll(async () => {
  await page?.context().close();
  await ui?.stop();
  await cloud?.stop();
  dir?.remove();
});

test('a decision against cloud values that changed meanwhile, or on a conflict settled meanwhile, is refused with a notice and the page catches up', async ({ browser }) => {
  // A dozen CLI runs, each a Node start with its database: about 1.5 s apiece on this machine.
  test.setTimeout(180_000);
  dir = tempDir('sitesync-ui-stale-');
  const cloudDb = join(dir.path, 'cloud.db');
  const [here, other] = [join(dir.path, 'pc1'), join(dir.path, 'pc2')];
  cloud = await startCloud(cloudDb);
  const token = async (name: string) => (await cli<{ token: string }>(['cloud', '--db', cloudDb, 'enroll', '--site', 'lab', '--name', name])).token;
  const onHere = <T>(...args: string[]) => cli<T>(['--data-dir', here, ...args]);
  const onOther = <T>(...args: string[]) => cli<T>(['--data-dir', other, ...args]);

  // Both PCs hold the device; then each renames it while this PC's app is not running.
  await onHere('init', '--cloud', cloud.url, '--token', await token('pc1'));
  const { uuid } = await onHere<{ uuid: string }>('device', 'add', '--mac', 'aa:bb:cc:00:33:01', '--hostname', 'ap-lab');
  await onHere('sync');
  await onOther('init', '--cloud', cloud.url, '--token', await token('pc2'));
  await onOther('sync');
  await onHere('device', 'edit', uuid, '--hostname', 'ap-lab-here');
  await onOther('device', 'edit', uuid, '--hostname', 'ap-lab-other');
  await onOther('sync');

  ui = await startUi(here);
  page = await (await browser.newContext()).newPage();
  await page.routeWebSocket(
    (url) => url.pathname.endsWith(`/${BRIDGE_SOCKET_PATH}`),
    (socket) => {
      const bridge = socket.connectToServer();
      socket.onMessage((message) => bridge.send(message));
      bridge.onMessage((message) => {
        if (holdDataChanged && typeof message === 'string' && JSON.parse(message).event === 'dataChanged') return;
        socket.send(message);
      });
    },
  );
  await page.goto(ui.url);
  await expect(page.getByTestId('conflicts-badge')).toHaveText('1');
  await page.getByRole('button', { name: /Conflicts/ }).click();
  const resolver = page.getByRole('article', { name: /Conflict of ap-lab-here/ });
  await expect(resolver).toContainText('ap-lab-other');
  const [shown] = await onHere<CliConflict[]>('conflicts', 'list');

  // The other PC renames it again; this PC's app pulls it at once, but the page does not hear of it.
  holdDataChanged = true;
  await onOther('device', 'edit', uuid, '--hostname', 'ap-lab-other-2');
  await onOther('sync');
  await expect.poll(async () => (await onHere<CliConflict[]>('conflicts', 'list'))[0]?.remoteVersion).toBeGreaterThan(shown.remoteVersion);
  await expect(resolver).not.toContainText('ap-lab-other-2');

  await resolver.getByRole('button', { name: 'Keep all cloud' }).click();
  await expect(page.getByText('The cloud changed this device while you were deciding. Its new values are shown: decide again.')).toBeVisible();
  await expect(resolver).toContainText('ap-lab-other-2');
  const [stillOpen] = await onHere<CliConflict[]>('conflicts', 'list');
  expect(stillOpen).toMatchObject({ id: shown.id, remote: { hostname: 'ap-lab-other-2' } });
  await page.screenshot({ path: join(__dirname, '..', 'screenshots', 'conflict-changed-meanwhile.png') });

  // Resolved beside the app meanwhile (the CLI on this PC's data dir): the click finds it closed.
  await onHere('conflicts', 'resolve', String(shown.id), '--take', 'local');
  await resolver.getByRole('button', { name: 'Keep all cloud' }).click();
  await expect(page.getByText('This conflict was settled meanwhile: both sides now agree, or it was resolved elsewhere.')).toBeVisible();
  await expect(page.getByTestId('conflicts-badge')).toHaveCount(0);
  await expect(resolver).toHaveCount(0);

  holdDataChanged = false;
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect.poll(async () => (await onOther<{ hostname: string }>('sync').then(() => onOther<{ hostname: string }>('device', 'show', uuid))).hostname).toBe('ap-lab-here');
});
