import { tombstoneFields, type Device } from '../domain/device';

/**
 * A device's tombstone: it keeps uuid, mac and assetTag so the deletion can
 * still be matched and audited, and clears every other field.
 */
export function softDelete<T extends Device>(device: T, deletedAt: string): T {
  return { ...device, ...tombstoneFields(device), deletedAt, updatedAt: deletedAt };
}
