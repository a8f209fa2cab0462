import { CloudIdentityEntity } from '../db/cloud/entities/cloud-identity.entity';
import type { CloudDatabase } from '../db/cloud/cloud-database';

/**
 * This cloud's id (migration 0005). It tells an instance enrolled again at
 * another address whether it still talks to the cloud its pull cursor came
 * from. A database restored from a backup keeps it: the same cloud, earlier.
 */
export async function readCloudId(db: CloudDatabase): Promise<string> {
  const rows = await db.read((r) => r.getRepository(CloudIdentityEntity).find());
  if (rows.length !== 1) {
    throw new Error(
      `the cloud database holds ${rows.length} cloud_identity rows, not 1: it was changed by hand. Restore it from a backup, or keep one row ` +
        '(a new id makes every instance enrolled again start its pull from 0)',
    );
  }
  return rows[0].cloudId;
}
