import type { EntityManager } from 'typeorm';
import type { PushChange } from '../contract/sync-http';
import type { DeviceFields } from '../domain/device';
import { normalizeMac } from '../domain/mac';
import type { CloudDatabase } from '../db/cloud/cloud-database';

type IdentityField = 'mac' | 'assetTag';

/**
 * Which live device of the site holds each MAC and asset tag a batch
 * mentions, kept up to date as the batch is applied in order, so a batch
 * that moves a MAC from one device to another is judged as it happened.
 */
export class LiveIdentities {
  private readonly holders: Record<IdentityField, Map<string, string>> = { mac: new Map(), assetTag: new Map() };
  private readonly owned = new Map<string, Pick<DeviceFields, IdentityField>>();

  static async load(db: CloudDatabase, tx: EntityManager, siteId: string, changes: PushChange[]): Promise<LiveIdentities> {
    const identities = new LiveIdentities();
    const macs = [...new Set(changes.flatMap((c) => (c.fields.mac ? [normalizeMac(c.fields.mac) ?? c.fields.mac] : [])))];
    const tags = [...new Set(changes.flatMap((c) => (c.fields.assetTag ? [c.fields.assetTag.trim()] : [])))];
    const uuids = changes.map((c) => c.uuid.toLowerCase());
    // Three queries, each through its own index: one query with OR'ed IN lists scans every live device of the site.
    const holders = async (column: string, values: string[]) => {
      if (!values.length) return [];
      const list = values.map((_, i) => db.param(i + 2)).join(',');
      return tx.query(
        `SELECT uuid, mac, asset_tag FROM devices WHERE site_id = ${db.param(1)} AND deleted_at IS NULL AND ${column} IN (${list})`,
        [siteId, ...values],
      ) as Promise<{ uuid: string; mac: string | null; asset_tag: string | null }[]>;
    };
    for (const rows of [await holders('uuid', uuids), await holders('mac', macs), await holders('asset_tag', tags)]) {
      for (const row of rows) identities.assign(row.uuid, { mac: row.mac, assetTag: row.asset_tag });
    }
    return identities;
  }

  /** The other live device already holding one of these identities, if any. */
  holderOf(fields: Pick<DeviceFields, IdentityField>, uuid: string): { field: IdentityField; uuid: string } | null {
    for (const field of ['mac', 'assetTag'] as const) {
      const value = fields[field];
      const holder = value === null ? undefined : this.holders[field].get(value);
      if (holder !== undefined && holder !== uuid) return { field, uuid: holder };
    }
    return null;
  }

  /** Records that `uuid` now holds these identities (null: it is deleted and holds none). */
  assign(uuid: string, fields: Pick<DeviceFields, IdentityField> | null): void {
    const previous = this.owned.get(uuid);
    for (const field of ['mac', 'assetTag'] as const) {
      const old = previous?.[field];
      if (old != null && this.holders[field].get(old) === uuid) this.holders[field].delete(old);
      const value = fields?.[field];
      if (value != null) this.holders[field].set(value, uuid);
    }
    if (fields) this.owned.set(uuid, { mac: fields.mac, assetTag: fields.assetTag });
    else this.owned.delete(uuid);
  }
}
