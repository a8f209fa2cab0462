import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { tempDir } from '../../support/temp-dir';
import { startCloud, startUi, type ListeningProcess } from './processes';

/** A real cloud, this PC's `sitesync ui` and a browser page on it, with a second PC's data dir for the CLI. */
export interface UiWorld {
  cloudDb: string;
  /** This PC's data dir (the one the UI serves) and the other PC's. */
  here: string;
  other: string;
  cloud: ListeningProcess;
  ui: ListeningProcess;
  page: Page;
  /** Ends the page, the UI, the cloud, and removes every file. */
  stop(): Promise<void>;
}

export async function startUiWorld(browser: Browser, prefix: string): Promise<UiWorld> {
  const dir = tempDir(prefix);
  const cloudDb = join(dir.path, 'cloud.db');
  const here = join(dir.path, 'pc1');
  const cloud = await startCloud(cloudDb);
  const world: UiWorld = {
    cloudDb,
    here,
    other: join(dir.path, 'pc2'),
    cloud,
    ui: await startUi(here),
    page: await (await browser.newContext()).newPage(),
    async stop() {
      await world.page.context().close();
      await world.ui.stop();
      await world.cloud.stop();
      dir.remove();
    },
  };
  return world;
}
