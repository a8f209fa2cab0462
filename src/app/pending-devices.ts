import type { SerialAccess } from '../db/serial-access';
import { dirtyRecords } from '../db/local/device-store';
import type { Device } from '../domain/device';

const PAGE = 5000;

/**
 * The devices with a local change the cloud has not accepted yet: their
 * uuids (the Devices page marks them) and, of those, the deletions (the page
 * keeps them in view, marked, until the cloud has them).
 */
export async function pendingDevices(db: SerialAccess): Promise<{ uuids: Set<string>; deletions: Device[] }> {
  const uuids = new Set<string>();
  const deletions: Device[] = [];
  // Paged through the dirty-row index, one short read each, so a sync is never held up for long.
  for (let after = 0; ; ) {
    const page = await db.read((r) => dirtyRecords(r, after, PAGE));
    for (const { device } of page) {
      uuids.add(device.uuid);
      if (device.deletedAt !== null) deletions.push(device);
    }
    if (page.length < PAGE) return { uuids, deletions };
    after = page[page.length - 1].localSeq;
  }
}
