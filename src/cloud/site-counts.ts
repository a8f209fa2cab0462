import type { CloudDatabase } from '../db/cloud/cloud-database';
import { CloudDeviceEntity } from '../db/cloud/entities/cloud-device.entity';
import { SiteEntity } from '../db/cloud/entities/site.entity';
import { IsNull } from 'typeorm';

export async function siteCounts(db: CloudDatabase, siteId: string) {
  return db.read(async (r) => {
    const devices = r.getRepository(CloudDeviceEntity);
    const site = await r.getRepository(SiteEntity).findOneBy({ siteId });
    return {
      siteId,
      devices: await devices.countBy({ siteId }),
      liveDevices: await devices.countBy({ siteId, deletedAt: IsNull() }),
      latestVersion: site?.lastVersion ?? 0,
    };
  });
}
