/**
 * A MAC address in any of the forms technicians type or copy from device
 * labels and switch consoles: `AA-BB-CC-DD-EE-FF`, `aa:bb:cc:dd:ee:ff`,
 * `aabb.ccdd.eeff` (Cisco) or `aabbccddeeff`. Separators must be consistent.
 */
export const MAC_RE =
  /^(?:[0-9a-f]{2}(?:([:-])[0-9a-f]{2})(?:\1[0-9a-f]{2}){4}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{12})$/i;

const CANONICAL_MAC_RE = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/** Returns the lowercase colon form, or null when `value` is not a MAC address. */
export function normalizeMac(value: string): string | null {
  // The form the app stores and sends: every pushed change passes here, so it costs no rebuilding.
  if (CANONICAL_MAC_RE.test(value)) return value;
  const trimmed = value.trim();
  if (!MAC_RE.test(trimmed)) return null;
  const hex = trimmed.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return hex.match(/../g)!.join(':');
}
