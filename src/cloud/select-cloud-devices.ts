import type { EntityManager } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import { DEVICE_SELECT } from '../db/columns';

/**
 * Devices as the protocol carries them, by plain SQL: on the hot paths
 * (pull pages, push batches) TypeORM's entity hydration and parameter
 * handling cost more than the query. `condition` uses the dialect's
 * placeholders (CloudDatabase.param).
 */
export async function selectCloudDevices(tx: EntityManager, condition: string, params: unknown[]): Promise<RemoteDevice[]> {
  const rows: RemoteDevice[] = await tx.query(`SELECT ${DEVICE_SELECT}, version FROM devices WHERE ${condition}`, params);
  // PostgreSQL returns bigint as text; versions stay far below 2^53.
  for (const row of rows) row.version = Number(row.version);
  return rows;
}
