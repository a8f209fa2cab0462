import { CloudIdentityEntity } from '../db/cloud/entities/cloud-identity.entity';
import type { CloudDatabase } from '../db/cloud/cloud-database';

/**
 * This cloud's id (migration 0005). It tells an instance enrolled again at
 * another address whether it still talks to the cloud its pull cursor came
 * from. A database restored from a backup keeps it: the same cloud, earlier.
 */
export async function readCloudId(db: CloudDatabase): Promise<string> {
  const [identity] = await db.read((r) => r.getRepository(CloudIdentityEntity).find({ take: 1 }));
  if (!identity) throw new Error('the cloud database has no cloud_identity row: it was changed by hand; restore it from a backup');
  return identity.cloudId;
}
