import { SYNC_FIELDS, pickFields, type DeviceFields, type SyncField } from './device';

/**
 * Three-way, field by field: a field changed on one side only takes that
 * side's value; changed on both sides to different values, it conflicts.
 */
export function mergeFields(base: DeviceFields, local: DeviceFields, remote: DeviceFields) {
  const merged = pickFields(local);
  const conflicting: SyncField[] = [];
  for (const f of SYNC_FIELDS) {
    if (local[f] === remote[f] || remote[f] === base[f]) continue;
    if (local[f] === base[f]) merged[f] = remote[f];
    else conflicting.push(f);
  }
  return { merged, conflicting };
}
