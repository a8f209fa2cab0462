import type { EntityManager, QueryResult } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import { DEVICE_COLUMNS } from '../db/columns';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { SYNC_FIELDS } from '../domain/device';
import { deviceJson } from './device-json';
import { allocateVersions } from './site-versions';

const COLUMNS = [...DEVICE_COLUMNS, 'version', 'device_json'];
const ROWS_PER_STATEMENT = 500;
// The WHERE keeps a uuid on its site: two sites creating one uuid at once each decide under their own lock.
const UPSERT_TAIL = `ON CONFLICT (uuid) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'uuid')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')} WHERE devices.site_id = excluded.site_id`;

/**
 * A uuid this push decided to create was created meanwhile by another site's
 * push (each held only its own site's lock). Nothing of the transaction may
 * stand; deciding again finds the other site's record and refuses the change.
 */
export class UuidClaimedElsewhere extends Error {
  constructor() {
    super('a uuid of this batch was created by another site at the same moment');
  }
}

function valuesOf(row: RemoteDevice): unknown[] {
  return [row.uuid, row.siteId, ...SYNC_FIELDS.map((f) => row[f]), row.createdAt, row.updatedAt, row.deletedAt, row.version, deviceJson(row)];
}

/**
 * The upsert of these rows. PostgreSQL takes them as one JSON parameter:
 * parsing and planning a VALUES list of thousands of parameters cost it more
 * than writing the rows. SQLite, in-process, takes the VALUES list.
 */
function upsertOf(db: CloudDatabase, rows: RemoteDevice[]): { sql: string; params: unknown[] } {
  const columns = COLUMNS.join(', ');
  if (db.dialect === 'postgres') {
    const records = rows.map((row) => {
      const values = valuesOf(row);
      return Object.fromEntries(COLUMNS.map((column, i) => [column, values[i]]));
    });
    return { sql: `INSERT INTO devices (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::devices, $1) ${UPSERT_TAIL}`, params: [JSON.stringify(records)] };
  }
  const tuples = rows.map(() => `(${COLUMNS.map(() => '?').join(',')})`).join(',');
  return { sql: `INSERT INTO devices (${columns}) VALUES ${tuples} ${UPSERT_TAIL}`, params: rows.flatMap(valuesOf) };
}

/**
 * Runs a write and says how many rows it changed. SQLite's driver has one
 * shared runner and no transaction-bound one; on PostgreSQL a manager without
 * its runner is not in a transaction, and a write there would escape it.
 */
function queryCounted(db: CloudDatabase, tx: EntityManager, sql: string, parameters: unknown[]): Promise<QueryResult> {
  if (tx.queryRunner) return tx.queryRunner.query(sql, parameters, true);
  if (db.dialect === 'sqlite') return tx.connection.createQueryRunner().query(sql, parameters, true);
  throw new Error('writeVersioned needs the transaction of CloudDatabase.transaction');
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
    const upsert = upsertOf(db, chunk);
    const written = await queryCounted(db, tx, upsert.sql, upsert.params);
    if (written.affected !== chunk.length) throw new UuidClaimedElsewhere();
  }
  for (const row of rows) versions.set(row.uuid, row.version);
  return versions;
}
