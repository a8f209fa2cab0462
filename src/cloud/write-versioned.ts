import type { EntityManager, QueryResult } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import { DEVICE_COLUMNS, DEVICE_PROPERTY_COLUMNS } from '../db/columns';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { DEVICE_JSON_KEYS, deviceJson } from './device-json';
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
  return [...DEVICE_PROPERTY_COLUMNS.map(([property]) => row[property]), row.version, deviceJson(row)];
}

// Each element of the parameter is a row's device JSON: its keys give the columns, its text is device_json.
const POSTGRES_UPSERT = `INSERT INTO devices (${COLUMNS.join(', ')})
  SELECT ${DEVICE_JSON_KEYS.map((key) => `r."${key}"`).join(', ')}, element::text
  FROM json_array_elements($1::json) AS element,
       json_to_record(element) AS r(${DEVICE_JSON_KEYS.map((key) => `"${key}" ${key === 'version' ? 'bigint' : 'text'}`).join(', ')})
  ${UPSERT_TAIL}`;

/**
 * The upsert of these rows. PostgreSQL takes them as one JSON array of the
 * rows' device JSON: a VALUES list of thousands of parameters cost it more
 * to parse and plan than writing the rows, and each JSON is built once, for
 * the row and for device_json alike (json_array_elements gives back its
 * exact text). SQLite, in-process, takes the VALUES list.
 */
function upsertOf(db: CloudDatabase, rows: RemoteDevice[]): { sql: string; params: unknown[] } {
  if (db.dialect === 'postgres') return { sql: POSTGRES_UPSERT, params: [`[${rows.map(deviceJson).join(',')}]`] };
  const tuples = rows.map(() => `(${COLUMNS.map(() => '?').join(',')})`).join(',');
  return { sql: `INSERT INTO devices (${COLUMNS.join(', ')}) VALUES ${tuples} ${UPSERT_TAIL}`, params: rows.flatMap(valuesOf) };
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
