/** The fields that travel between an instance and the cloud, in display order. */
export const SYNC_FIELDS = [
  'hostname',
  'mac',
  'ip',
  'assetTag',
  'serial',
  'model',
  'vendor',
  'location',
  'notes',
  'status',
] as const;

export type SyncField = (typeof SYNC_FIELDS)[number];

/** Absent values are null, never undefined or the empty string. */
export type DeviceFields = Record<SyncField, string | null>;

export interface Device extends DeviceFields {
  uuid: string;
  siteId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** The fields a tombstone keeps: enough to recognise the device, nothing more. */
export const TOMBSTONE_FIELDS = ['mac', 'assetTag'] as const satisfies readonly SyncField[];

// Copied by spread, which clones its shape: building each record key by key costs the cloud per change.
const EMPTY_FIELDS = Object.freeze(Object.fromEntries(SYNC_FIELDS.map((f) => [f, null])) as DeviceFields);

export function emptyFields(): DeviceFields {
  return { ...EMPTY_FIELDS };
}

export function pickFields(source: Partial<Record<SyncField, string | null | undefined>>): DeviceFields {
  const fields = emptyFields();
  for (const f of SYNC_FIELDS) fields[f] = source[f] ?? null;
  return fields;
}

/** What is left of a device's fields once it is deleted. */
export function tombstoneFields(source: DeviceFields): DeviceFields {
  const fields = emptyFields();
  for (const f of TOMBSTONE_FIELDS) fields[f] = source[f];
  return fields;
}

export function differingFields(a: DeviceFields, b: DeviceFields): SyncField[] {
  return SYNC_FIELDS.filter((f) => a[f] !== b[f]);
}

export function sameFields(a: DeviceFields, b: DeviceFields): boolean {
  return differingFields(a, b).length === 0;
}
