import type { EntityManager } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import { DEVICE_COLUMNS } from '../db/columns';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { SYNC_FIELDS } from '../domain/device';
import { allocateVersions } from './site-versions';

const COLUMNS = [...DEVICE_COLUMNS, 'version'];
const ROWS_PER_STATEMENT = 500;
const UPSERT_TAIL = `ON CONFLICT (uuid) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'uuid')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

function valuesOf(row: RemoteDevice): unknown[] {
  return [row.uuid, row.siteId, ...SYNC_FIELDS.map((f) => row[f]), row.createdAt, row.updatedAt, row.deletedAt, row.version];
}

/**
 * Writes devices of one site, each with a new version of the site, in the
 * caller's transaction (inserted or replaced whole, in the given order).
 * Plain multi-row upserts: the query builder's parameter handling grows
 * faster than the rows. Returns the version given to each uuid.
 */
export async function writeVersioned(
  db: CloudDatabase,
  tx: EntityManager,
  siteId: string,
  writes: Omit<RemoteDevice, 'version'>[],
): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  if (!writes.length) return versions;
  let next = await allocateVersions(db, tx, siteId, writes.length);
  const rows: RemoteDevice[] = writes.map((w) => ({ ...w, version: next++ }));
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    let n = 0;
    const tuples = chunk.map(() => `(${COLUMNS.map(() => db.param(++n)).join(',')})`).join(',');
    await tx.query(`INSERT INTO devices (${COLUMNS.join(', ')}) VALUES ${tuples} ${UPSERT_TAIL}`, chunk.flatMap(valuesOf));
  }
  for (const row of rows) versions.set(row.uuid, row.version);
  return versions;
}
