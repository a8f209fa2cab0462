import type { DeviceFields } from '../../src/domain/device';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "3 min ago" for a recent time, the date and time otherwise; a dash when there is none. */
export function formatWhen(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return dateTime.format(new Date(iso));
}

export function formatTime(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** How a person recognises a device: its host name, else its asset tag, else its MAC. */
export function deviceLabel(fields: Pick<DeviceFields, 'hostname' | 'assetTag' | 'mac'>, uuid: string): string {
  return fields.hostname ?? fields.assetTag ?? fields.mac ?? uuid.slice(0, 8);
}

export const FIELD_LABELS = {
  hostname: 'Host name',
  mac: 'MAC address',
  ip: 'IP address',
  assetTag: 'Asset tag',
  serial: 'Serial number',
  model: 'Model',
  vendor: 'Vendor',
  location: 'Location',
  notes: 'Notes',
  status: 'Status',
} as const satisfies Record<keyof DeviceFields, string>;
