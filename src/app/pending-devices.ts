import type { SerialAccess } from '../db/serial-access';
import { dirtyRecords } from '../db/local/device-store';

const PAGE = 5000;

/** The uuids of devices with a local change the cloud has not accepted yet (the Devices page marks them). */
export async function pendingDeviceUuids(db: SerialAccess): Promise<Set<string>> {
  const uuids = new Set<string>();
  // Paged through the dirty-row index, one short read each, so a sync is never held up for long.
  for (let after = 0; ; ) {
    const page = await db.read((r) => dirtyRecords(r, after, PAGE));
    for (const record of page) uuids.add(record.device.uuid);
    if (page.length < PAGE) return uuids;
    after = page[page.length - 1].localSeq;
  }
}
