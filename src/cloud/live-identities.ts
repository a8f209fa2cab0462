import type { DeviceFields } from '../domain/device';

type IdentityField = 'mac' | 'assetTag';

/**
 * Which live device of the site holds each MAC and asset tag a batch
 * mentions, kept up to date as the batch is applied in order, so a batch
 * that moves a MAC from one device to another is judged as it happened.
 */
export class LiveIdentities {
  private readonly holders: Record<IdentityField, Map<string, string>> = { mac: new Map(), assetTag: new Map() };
  private readonly owned = new Map<string, Pick<DeviceFields, IdentityField>>();

  /** The identities these live devices of one site hold. */
  static of(devices: (Pick<DeviceFields, IdentityField> & { uuid: string })[]): LiveIdentities {
    const identities = new LiveIdentities();
    for (const device of devices) identities.assign(device.uuid, device);
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
