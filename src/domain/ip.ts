import ipaddr from 'ipaddr.js';

const DOTTED_QUAD = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

/**
 * Returns the canonical text of an IP address, or null when `value` is not one.
 * IPv4 must be a plain dotted quad: `010.0.0.1` is refused because some tools
 * read a leading zero as octal. IPv6 comes back in RFC 5952 form (lowercase,
 * longest zero run compressed, IPv4-mapped tail dotted). Zone ids (`%eth0`)
 * are refused: they only mean something on the machine that wrote them.
 */
export function normalizeIp(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.includes(':')) {
    if (trimmed.includes('%') || !ipaddr.IPv6.isValid(trimmed)) return null;
    const address = ipaddr.IPv6.parse(trimmed);
    // RFC 5952 §5: an IPv4-mapped address is written with its IPv4 tail dotted.
    if (address.isIPv4MappedAddress()) return `::ffff:${address.toIPv4Address().toString()}`;
    return address.toRFC5952String();
  }
  if (!DOTTED_QUAD.test(trimmed) || !ipaddr.IPv4.isValidFourPartDecimal(trimmed)) return null;
  return ipaddr.IPv4.parse(trimmed).toString();
}
