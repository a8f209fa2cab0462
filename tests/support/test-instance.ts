import { LocalApp } from '../../src/app/local-app';
import type { Clock } from '../../src/domain/clock';
import type { Device } from '../../src/domain/device';
import { tempDir } from './temp-dir';
import type { TestCloud } from './test-cloud';

export interface TestInstance {
  app: LocalApp;
  dataDir: string;
  /** Push then pull; fails the test if either attempt errored. */
  sync(): Promise<Awaited<ReturnType<LocalApp['sync']>>>;
  device(uuid: string): Promise<Device>;
  close(): Promise<void>;
}

/** A desktop instance in its own data dir, enrolled with `cloud` for `siteId`. */
export async function startTestInstance(
  cloud: { url: string; enroll: TestCloud['enroll'] },
  siteId: string,
  options: { clock?: Clock; cloudUrl?: string; name?: string } = {},
): Promise<TestInstance> {
  const dir = tempDir('sitesync-instance-');
  const app = await LocalApp.open({ dataDir: dir.path, clock: options.clock, userName: 'tester', retryDelaysMs: [] });
  await app.init(options.cloudUrl ?? cloud.url, await cloud.enroll(siteId, options.name));
  return {
    app,
    dataDir: dir.path,
    async sync() {
      const outcome = await app.sync();
      for (const attempt of [outcome.push, outcome.pull]) {
        if (attempt?.status === 'error') throw new Error(`sync failed: ${attempt.error}`);
      }
      return outcome;
    },
    device: (uuid) => app.getDevice(uuid),
    async close() {
      await app.close();
      dir.remove();
    },
  };
}
