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

  static async load(db: CloudDatabase, tx: EntityManager, siteId: string, changes: PushChange[]): Promise<LiveIdentities> {
    const identities = new LiveIdentities();
    const macs = [...new Set(changes.flatMap((c) => (c.fields.mac ? [normalizeMac(c.fields.mac) ?? c.fields.mac] : [])))];
    const tags = [...new Set(changes.flatMap((c) => (c.fields.assetTag ? [c.fields.assetTag.trim()] : [])))];
    const uuids = changes.map((c) => c.uuid.toLowerCase());
    if (!macs.length && !tags.length) return identities;
    const p = (n: number) => db.param(n);
    let n = 1;
    const list = (values: string[]) => (values.length ? values.map(() => p(n++)).join(',') : 'NULL');
    const siteParam = p(n++);
    const macList = list(macs);
    const tagList = list(tags);
    const uuidList = list(uuids);
    const rows: { uuid: string; mac: string | null; asset_tag: string | null }[] = await tx.query(
      `SELECT uuid, mac, asset_tag FROM devices WHERE site_id = ${siteParam} AND deleted_at IS NULL
       AND (mac IN (${macList}) OR asset_tag IN (${tagList}) OR uuid IN (${uuidList}))`,
      [siteId, ...macs, ...tags, ...uuids],
    );
    for (const row of rows) identities.assign(row.uuid, { mac: row.mac, assetTag: row.asset_tag });
    return identities;
  }

  private readonly owned = new Map<string, Pick<DeviceFields, IdentityField>>();

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
