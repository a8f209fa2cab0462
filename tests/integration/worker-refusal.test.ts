import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalApp } from '../../src/app/local-app';
import { listCloudDevices } from '../../src/cloud/cloud-devices';
import { enrollInstance, revokeInstance } from '../../src/cloud/enrolment';
import { startTestCloud } from '../support/test-cloud';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';

describe('a worker the cloud refused (401)', () => {
  it('resumes on its own once the data dir is enrolled again beside it (`sitesync init`), and pushes what waited', async () => {
    const cloud = await startTestCloud();
    const dir = tempDir('sitesync-refused-');
    const app = await LocalApp.open({ dataDir: dir.path, retryDelaysMs: [] });
    try {
      const revoked = await enrollInstance(cloud.db, 'hq', null, new Date().toISOString());
      await app.init(cloud.url, revoked.token);
      await revokeInstance(cloud.db, revoked.instanceId, new Date().toISOString());
      const workers = app.startWorkers({ intervalMs: 100, live: false });
      try {
        await until(async () => workers.state().phase === 'unauthorized', 'the worker stops on 401');
        const waited = await app.addDevice({ mac: 'aa:bb:cc:00:0f:01', hostname: 'made-while-refused' });

        // What `sitesync init` does in its own process: another connection to the same data dir.
        const beside = await LocalApp.open({ dataDir: dir.path });
        await beside.init(cloud.url, await cloud.enroll('hq'));
        await beside.close();

        await until(async () => (await listCloudDevices(cloud.db, 'hq', false)).some((d) => d.uuid === waited.uuid), 'the device reaches the cloud');
        assert.notEqual(workers.state().phase, 'unauthorized');
        assert.equal((await app.status()).pendingChanges, 0);
      } finally {
        await workers.stop();
      }
    } finally {
      await app.close();
      await cloud.stop();
      dir.remove();
    }
  });
});
