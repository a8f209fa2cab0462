import type { EntityManager } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { CloudDeviceEntity } from '../db/cloud/entities/cloud-device.entity';
import { allocateVersions } from './site-versions';

/**
 * Writes devices of one site, each with a new version of the site, in the
 * caller's transaction. Returns the version given to each uuid.
 */
export async function writeVersioned(
  db: CloudDatabase,
  tx: EntityManager,
  siteId: string,
  writes: Omit<RemoteDevice, 'version'>[],
  existing: Map<string, RemoteDevice>,
): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  if (!writes.length) return versions;
  let next = await allocateVersions(db, tx, siteId, writes.length);
  const rows = writes.map((w) => ({ ...w, version: next++ }));
  const repo = tx.getRepository(CloudDeviceEntity);
  const inserts = rows.filter((r) => !existing.has(r.uuid));
  // Bound the statement size: PostgreSQL and SQLite both cap the parameters of one statement.
  for (let i = 0; i < inserts.length; i += 500) await repo.insert(inserts.slice(i, i + 500));
  for (const row of rows.filter((r) => existing.has(r.uuid))) {
    const { uuid, ...values } = row;
    await repo.update({ uuid }, values);
  }
  for (const row of rows) versions.set(row.uuid, row.version);
  return versions;
}
