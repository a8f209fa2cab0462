import { MoreThan } from 'typeorm';
import type { PullResponse } from '../contract/sync-http';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { CloudDeviceEntity } from '../db/cloud/entities/cloud-device.entity';
import { SiteEntity } from '../db/cloud/entities/site.entity';

/** One page of the site's changes after `since`, in version order, through the (site, version) index. */
export async function readPullPage(db: CloudDatabase, siteId: string, since: number, limit: number): Promise<PullResponse> {
  return db.read(async (r) => {
    const rows = await r.getRepository(CloudDeviceEntity).find({
      where: { siteId, version: MoreThan(since) },
      order: { version: 'ASC' },
      take: limit + 1,
    });
    const site = await r.getRepository(SiteEntity).findOneBy({ siteId });
    const changes = rows.slice(0, limit);
    return {
      changes,
      cursor: changes.length ? changes[changes.length - 1].version : since,
      hasMore: rows.length > limit,
      latestVersion: site?.lastVersion ?? 0,
    };
  });
}
