import type { EntityManager } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import type { PushChange } from '../contract/sync-http';
import { normalizeMac } from '../domain/mac';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { LiveIdentities } from './live-identities';
import { cloudDeviceSelect, selectCloudDevices } from './select-cloud-devices';

/** What changes of a site are decided against: each uuid's current record (of any site) and who holds each identity. */
export interface DecisionRecords {
  current: Map<string, RemoteDevice>;
  identities: LiveIdentities;
}

/**
 * Reads, in one statement, the records the changes name by uuid and the live
 * devices of the site holding the MACs and asset tags they carry. Each arm of
 * the UNION ALL runs through its own index: one condition with OR'ed IN lists
 * scans every live device of the site. One round trip, not four, matters on
 * PostgreSQL, where every statement costs a network exchange.
 */
export async function loadDecisionRecords(db: CloudDatabase, tx: EntityManager, siteId: string, changes: PushChange[]): Promise<DecisionRecords> {
  const uuids = [...new Set(changes.map((c) => c.uuid.toLowerCase()))];
  const macs = [...new Set(changes.flatMap((c) => (c.fields.mac ? [normalizeMac(c.fields.mac) ?? c.fields.mac] : [])))];
  const tags = [...new Set(changes.flatMap((c) => (c.fields.assetTag ? [c.fields.assetTag.trim()] : [])))];
  const params: unknown[] = [];
  const param = (value: unknown) => db.param(params.push(value));
  const selects: string[] = [];
  if (uuids.length) {
    // PostgreSQL takes each list as one array parameter: planning a hundred separate ones cost it more than the lookups.
    selects.push(cloudDeviceSelect(db.dialect === 'postgres' ? `uuid = ANY(${param(uuids)}::text[])` : `uuid IN (${uuids.map(param).join(',')})`));
  }
  for (const [column, values] of [['mac', macs], ['asset_tag', tags]] as const) {
    if (!values.length) continue;
    const live = `site_id = ${param(siteId)} AND deleted_at IS NULL AND ${column}`;
    selects.push(
      db.dialect === 'postgres'
        ? // One probe of the live-identity index per value: the index is unique, so LIMIT 1 drops nothing, and it keeps
          // the planner from folding the probes into one scan, as it did `= ANY(list)` without statistics (decision 35).
          `SELECT holder.* FROM unnest(${param(values)}::text[]) AS named(value) CROSS JOIN LATERAL (${cloudDeviceSelect(`${live} = named.value`)} LIMIT 1) AS holder`
        : cloudDeviceSelect(`${live} IN (${values.map(param).join(',')})`),
    );
  }
  const rows = selects.length ? await selectCloudDevices(tx, selects, params) : [];
  const wanted = new Set(uuids);
  const found = [...new Map(rows.map((row) => [row.uuid, row])).values()];
  return {
    current: new Map(found.filter((row) => wanted.has(row.uuid)).map((row) => [row.uuid, row])),
    identities: LiveIdentities.of(found.filter((row) => row.siteId === siteId && row.deletedAt === null)),
  };
}
