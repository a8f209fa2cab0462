import type { EntityManager } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import { DEVICE_SELECT } from '../db/columns';

/** The SELECT of the devices rows matching `condition`, in the shape the protocol carries. */
export function cloudDeviceSelect(condition: string): string {
  return `SELECT ${DEVICE_SELECT}, version FROM devices WHERE ${condition}`;
}

/**
 * Devices as the protocol carries them, by plain SQL: on the hot path
 * (the records a push batch is decided against) TypeORM's entity hydration and parameter
 * handling cost more than the query. Each of `selects` (cloudDeviceSelect or
 * a query around it) uses the dialect's placeholders (CloudDatabase.param);
 * several run as one UNION ALL, so each can use its own index (a row matching
 * several comes once per SELECT).
 */
export async function selectCloudDevices(tx: EntityManager, selects: string[], params: unknown[]): Promise<RemoteDevice[]> {
  const rows: RemoteDevice[] = await tx.query(selects.join(' UNION ALL '), params);
  // PostgreSQL returns bigint as text; versions stay far below 2^53.
  for (const row of rows) row.version = Number(row.version);
  return rows;
}
