import type { SerialAccess } from '../db/serial-access';
import { dirtyRecords, type LocalRecord } from '../db/local/device-store';
import type { Device } from '../domain/device';

/**
 * A deletion as the list shows it: with the values the cloud last had, since
 * a tombstone keeps only its MAC and asset tag and a person looks for the
 * host name. Never synced: the tombstone as it is.
 */
function lastSynced({ device, base, baseVersion }: LocalRecord): Device {
  return baseVersion === null ? device : { ...device, ...base, mac: device.mac, assetTag: device.assetTag };
}

const PAGE = 5000;

/**
 * The devices with a local change the cloud has not accepted yet: their
 * uuids (the Devices page marks them) and, of those, the deletions (the page
 * keeps them in view, marked, until the cloud has them, by their last synced values).
 */
export async function pendingDevices(db: SerialAccess): Promise<{ uuids: Set<string>; deletions: Device[] }> {
  const uuids = new Set<string>();
  const deletions: Device[] = [];
  // Paged through the dirty-row index, one short read each, so a sync is never held up for long.
  for (let after = 0; ; ) {
    const page = await db.read((r) => dirtyRecords(r, after, PAGE));
    for (const record of page) {
      uuids.add(record.device.uuid);
      if (record.device.deletedAt !== null) deletions.push(lastSynced(record));
    }
    if (page.length < PAGE) return { uuids, deletions };
    after = page[page.length - 1].localSeq;
  }
}
