import type { EntityManager } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import { DEVICE_SELECT } from '../db/columns';

const SELECT = `SELECT ${DEVICE_SELECT}, version FROM devices`;

/**
 * Devices as the protocol carries them, by plain SQL: on the hot path
 * (the records a push batch is decided against) TypeORM's entity hydration and parameter
 * handling cost more than the query. `condition` uses the dialect's
 * placeholders (CloudDatabase.param); several conditions are a UNION ALL of
 * one SELECT each, so each can use its own index (a row matching several
 * comes once per condition).
 */
export async function selectCloudDevices(tx: EntityManager, condition: string | string[], params: unknown[]): Promise<RemoteDevice[]> {
  const sql = typeof condition === 'string' ? `${SELECT} WHERE ${condition}` : condition.map((c) => `${SELECT} WHERE ${c}`).join(' UNION ALL ');
  const rows: RemoteDevice[] = await tx.query(sql, params);
  // PostgreSQL returns bigint as text; versions stay far below 2^53.
  for (const row of rows) row.version = Number(row.version);
  return rows;
}
