import type { EntityManager } from 'typeorm';
import { pickFields, type Device, type DeviceFields } from '../../domain/device';
import { DEVICE_COLUMNS, DEVICE_PROPERTY_COLUMNS, DEVICE_SELECT } from '../columns';

/** A local device with the bookkeeping the sync needs. */
export interface LocalRecord {
  device: Device;
  localSeq: number;
  pushedSeq: number;
  /** The cloud version this instance last agreed on; null until the cloud has seen the device. */
  baseVersion: number | null;
  /** The synced values at baseVersion. */
  base: DeviceFields;
  rejectedSeq: number | null;
  rejectedReason: string | null;
  /** The cloud version of the open conflict that holds this device until a person resolves it; null: none open. */
  conflictVersion: number | null;
}

interface RecordRow extends Device {
  localSeq: number;
  pushedSeq: number;
  baseVersion: number | null;
  baseJson: string | null;
  rejectedSeq: number | null;
  rejectedReason: string | null;
  conflictVersion: number | null;
}

const RECORD_SELECT = `SELECT ${DEVICE_SELECT}, local_seq AS "localSeq", pushed_seq AS "pushedSeq",
  base_version AS "baseVersion", base AS "baseJson", rejected_seq AS "rejectedSeq", rejected_reason AS "rejectedReason",
  (SELECT remote_version FROM conflicts WHERE conflicts.device_uuid = devices.uuid AND resolved_at IS NULL) AS "conflictVersion"
  FROM devices LEFT JOIN sync_state ON sync_state.device_uuid = devices.uuid`;

/** SQLite's limit on bound parameters is 32766; stay well below it. */
const MAX_PARAMS = 16000;

export function isDirty(record: LocalRecord): boolean {
  return record.localSeq > record.pushedSeq;
}

export function inConflict(record: LocalRecord): boolean {
  return record.conflictVersion !== null;
}

function toRecord(row: RecordRow): LocalRecord {
  const { localSeq, pushedSeq, baseVersion, baseJson, rejectedSeq, rejectedReason, conflictVersion, ...device } = row;
  // A clean synced device equals its base, so the base is only stored while they differ.
  const base = baseJson !== null ? (JSON.parse(baseJson) as DeviceFields) : pickFields(baseVersion === null ? {} : device);
  return { device, localSeq, pushedSeq, baseVersion, base, rejectedSeq, rejectedReason, conflictVersion };
}

export async function getRecord(db: EntityManager, uuid: string): Promise<LocalRecord | null> {
  const rows: RecordRow[] = await db.query(`${RECORD_SELECT} WHERE uuid = ?`, [uuid]);
  return rows.length ? toRecord(rows[0]) : null;
}

export async function getRecords(db: EntityManager, uuids: string[]): Promise<Map<string, LocalRecord>> {
  const records = new Map<string, LocalRecord>();
  for (let i = 0; i < uuids.length; i += MAX_PARAMS) {
    const chunk = uuids.slice(i, i + MAX_PARAMS);
    const rows: RecordRow[] = await db.query(`${RECORD_SELECT} WHERE uuid IN ${inList(chunk.length)}`, chunk);
    for (const row of rows) records.set(row.uuid, toRecord(row));
  }
  return records;
}

/** Dirty devices after `afterSeq`, oldest change first, through the partial index on dirty rows. */
export async function dirtyRecords(db: EntityManager, afterSeq: number, limit: number): Promise<LocalRecord[]> {
  const rows: RecordRow[] = await db.query(
    `${RECORD_SELECT} WHERE local_seq > pushed_seq AND local_seq > ? ORDER BY local_seq LIMIT ?`,
    [afterSeq, limit],
  );
  return rows.map(toRecord);
}

export async function countDirty(db: EntityManager): Promise<number> {
  const [row] = await db.query('SELECT COUNT(*) AS n FROM devices WHERE local_seq > pushed_seq');
  return row.n;
}

export async function listDevices(db: EntityManager, includeDeleted: boolean): Promise<Device[]> {
  return db.query(`SELECT ${DEVICE_SELECT} FROM devices ${includeDeleted ? '' : 'WHERE deleted_at IS NULL'} ORDER BY created_at, uuid`);
}

/**
 * A live device that already uses a MAC or asset tag `next` gives the device
 * `before` (null: a new one). A value the live device already had is let be:
 * a device the cloud refused as a duplicate of another PC's stays editable
 * while a person sorts it out (decision 52); a deleted one brought back is
 * checked in full.
 */
export async function findNewDuplicate(
  db: EntityManager,
  next: Pick<DeviceFields, 'mac' | 'assetTag'>,
  before: Pick<Device, 'uuid' | 'mac' | 'assetTag' | 'deletedAt'> | null,
): Promise<{ field: 'mac' | 'assetTag'; uuid: string; holder: string } | null> {
  for (const [field, column] of [['mac', 'mac'], ['assetTag', 'asset_tag']] as const) {
    const value = next[field];
    if (value === null || (before !== null && before.deletedAt === null && before[field] === value)) continue;
    const rows: { uuid: string; hostname: string | null }[] = await db.query(
      `SELECT uuid, hostname FROM devices WHERE ${column} = ? AND deleted_at IS NULL AND uuid IS NOT ? LIMIT 1`,
      [value, before?.uuid ?? null],
    );
    // The holder as a person finds it in the list (its host name), and as a command names it (its uuid).
    if (rows.length) return { field, uuid: rows[0].uuid, holder: rows[0].hostname ? `${rows[0].hostname} (device ${rows[0].uuid})` : `device ${rows[0].uuid}` };
  }
  return null;
}

export async function nextLocalSeq(tx: EntityManager): Promise<number> {
  const [row] = await tx.query('SELECT COALESCE(MAX(local_seq), 0) + 1 AS seq FROM devices');
  return row.seq;
}

function deviceValues(device: Device): unknown[] {
  return DEVICE_PROPERTY_COLUMNS.map(([property]) => device[property]);
}

const UPSERT_COLUMNS = [...DEVICE_COLUMNS, 'local_seq', 'pushed_seq'];
const UPSERT_TAIL = `ON CONFLICT(uuid) DO UPDATE SET ${UPSERT_COLUMNS.filter((c) => c !== 'uuid')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/** Writes devices with their change counters; several rows per statement, as many statements as the parameter limit needs. */
export async function upsertDevices(
  tx: EntityManager,
  rows: { device: Device; localSeq: number; pushedSeq: number }[],
): Promise<void> {
  const perRow = UPSERT_COLUMNS.length;
  const rowsPerStatement = Math.floor(MAX_PARAMS / perRow);
  for (let i = 0; i < rows.length; i += rowsPerStatement) {
    const chunk = rows.slice(i, i + rowsPerStatement);
    const placeholders = `(${UPSERT_COLUMNS.map(() => '?').join(',')})`;
    const params = chunk.flatMap((r) => [...deviceValues(r.device), r.localSeq, r.pushedSeq]);
    await tx.query(
      `INSERT INTO devices (${UPSERT_COLUMNS.join(', ')}) VALUES ${chunk.map(() => placeholders).join(',')} ${UPSERT_TAIL}`,
      params,
    );
  }
}

export interface SyncStateRow {
  uuid: string;
  baseVersion: number | null;
  /** null: the device's own values are its base. */
  base: DeviceFields | null;
  rejectedSeq?: number | null;
  rejectedReason?: string | null;
}

export async function upsertSyncStates(tx: EntityManager, rows: SyncStateRow[]): Promise<void> {
  const rowsPerStatement = Math.floor(MAX_PARAMS / 5);
  for (let i = 0; i < rows.length; i += rowsPerStatement) {
    const chunk = rows.slice(i, i + rowsPerStatement);
    await tx.query(
      `INSERT INTO sync_state (device_uuid, base_version, base, rejected_seq, rejected_reason)
       VALUES ${chunk.map(() => '(?,?,?,?,?)').join(',')}
       ON CONFLICT(device_uuid) DO UPDATE SET base_version = excluded.base_version, base = excluded.base,
         rejected_seq = excluded.rejected_seq, rejected_reason = excluded.rejected_reason`,
      chunk.flatMap((r) => [
        r.uuid,
        r.baseVersion,
        r.base === null ? null : JSON.stringify(r.base),
        r.rejectedSeq ?? null,
        r.rejectedReason ?? null,
      ]),
    );
  }
}

function inList(n: number): string {
  return `(${Array.from({ length: n }, () => '?').join(',')})`;
}

/** Where each device stands in its sync: its latest local change, and the cloud version its values are based on (null: none yet). */
export async function syncPositions(db: EntityManager, uuids: string[]): Promise<Map<string, { localSeq: number; baseVersion: number | null }>> {
  const positions = new Map<string, { localSeq: number; baseVersion: number | null }>();
  for (let i = 0; i < uuids.length; i += MAX_PARAMS) {
    const chunk = uuids.slice(i, i + MAX_PARAMS);
    const rows: { uuid: string; localSeq: number; baseVersion: number | null }[] = await db.query(
      `SELECT uuid, local_seq AS localSeq, base_version AS baseVersion FROM devices LEFT JOIN sync_state ON sync_state.device_uuid = devices.uuid
       WHERE uuid IN ${inList(chunk.length)}`,
      chunk,
    );
    for (const row of rows) positions.set(row.uuid, { localSeq: row.localSeq, baseVersion: row.baseVersion });
  }
  return positions;
}

/** The cloud holds each device as it was at `seq`. */
export async function markPushed(tx: EntityManager, pushed: { uuid: string; seq: number }[]): Promise<void> {
  const perStatement = Math.floor(MAX_PARAMS / 2);
  for (let i = 0; i < pushed.length; i += perStatement) {
    const chunk = pushed.slice(i, i + perStatement);
    // A join on a VALUES list: one primary-key lookup per row (a CASE of n branches would cost n per row).
    await tx.query(
      `UPDATE devices SET pushed_seq = pushed.column2 FROM (VALUES ${chunk.map(() => '(?,?)').join(',')}) AS pushed WHERE devices.uuid = pushed.column1`,
      chunk.flatMap((p) => [p.uuid, p.seq]),
    );
  }
}

/**
 * For an enrolment whose pull starts again at 0 (another cloud, or one
 * restored from a backup older than the cursor): what this instance agreed
 * with the cloud before (base versions and values, pushed marks, refusals)
 * means nothing there. Every device, tombstones too, becomes an unpushed local change
 * without a base, keeping the order of its last change, so the next push
 * offers each to the new cloud like a device made here (decision 42).
 */
export async function forgetCloudState(tx: EntityManager): Promise<void> {
  // Fresh, distinct sequence numbers: a pulled device that was never edited here has local_seq 0, and the push pages by local_seq.
  const [{ last }] = await tx.query('SELECT COALESCE(MAX(local_seq), 0) AS last FROM devices');
  await tx.query(
    `UPDATE devices SET local_seq = ? + renumbered.n, pushed_seq = 0
     FROM (SELECT uuid, ROW_NUMBER() OVER (ORDER BY local_seq, uuid) AS n FROM devices) AS renumbered
     WHERE devices.uuid = renumbered.uuid`,
    [last],
  );
  await tx.query('DELETE FROM sync_state');
  // Batches sent to the former cloud: their answers mean nothing here either.
  await tx.query('DELETE FROM push_outbox');
}

/**
 * Records that a push refused this version of the device; it is retried once it changes again. An upsert: after
 * an enrolment with another cloud (forgetCloudState) a device has no sync_state row until the cloud takes it.
 */
export async function markRejected(tx: EntityManager, uuid: string, seq: number, reason: string): Promise<void> {
  await tx.query(
    `INSERT INTO sync_state (device_uuid, base_version, base, rejected_seq, rejected_reason) VALUES (?, NULL, NULL, ?, ?)
     ON CONFLICT(device_uuid) DO UPDATE SET rejected_seq = excluded.rejected_seq, rejected_reason = excluded.rejected_reason`,
    [uuid, seq, reason],
  );
}

export async function rejectedRecords(db: EntityManager): Promise<{ uuid: string; reason: string }[]> {
  return db.query(
    `SELECT device_uuid AS uuid, rejected_reason AS reason FROM sync_state JOIN devices ON devices.uuid = sync_state.device_uuid
     WHERE rejected_seq = devices.local_seq AND devices.local_seq > devices.pushed_seq`,
  );
}
