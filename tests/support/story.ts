import { RecordingProxy } from './recording-proxy';
import { startTestCloud, type TestCloud } from './test-cloud';
import { startTestInstance, type TestInstance } from './test-instance';

export interface Story {
  cloud: TestCloud;
  /** Sits between the cloud and every instance enrolled `viaProxy`: records pushes, can lose answers. */
  proxy: RecordingProxy;
  instances: TestInstance[];
  stop(): Promise<void>;
}

/** The cast of a sync story: one cloud, a recording proxy, and one enrolled instance per entry. */
export async function startStory(cast: { site: string; viaProxy?: boolean }[]): Promise<Story> {
  const cloud = await startTestCloud();
  const proxy = new RecordingProxy(cloud.url);
  await proxy.start();
  const instances: TestInstance[] = [];
  for (const member of cast) instances.push(await startTestInstance(cloud, member.site, { cloudUrl: member.viaProxy ? proxy.url : undefined }));
  return {
    cloud,
    proxy,
    instances,
    async stop() {
      for (const instance of instances) await instance.close();
      await proxy.stop();
      await cloud.stop();
    },
  };
}
