/** How a driver says the database cannot be reached at all: nothing of the request was done. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/**
 * PostgreSQL's SQLSTATEs for a server that cannot serve now, whatever the
 * request: a connection that broke (class 08, but not 08P01, a protocol
 * violation our code caused, nor 08004, a server refusing us for good),
 * shutting down or starting (57P01-57P03), out of connections, disk or
 * memory (53300, 53100, 53200), read-only after a fail-over (25006), or a
 * transaction it chose to end (40001 serialization, 40P01 deadlock);
 * SQLite's for a lock another process held past the busy time-out, or a
 * full disk. Not a statement time-out (57014): one request that always
 * takes too long stays a 500, so the desktop can set it apart.
 */
const BUSY_OR_DOWN_CODES = /^(08(000|003|006|001|007)|57P0[123]|53[123]00|25006|40001|40P01|SQLITE_BUSY|SQLITE_FULL)$/;

/** node-postgres names a connection that dropped under a query in words only. */
const CONNECTION_DROPPED = /^Connection terminated/;

/**
 * Whether a failure means the cloud's database is down or busy, not that the
 * request or the server is at fault: answered 503 with Retry-After, so a
 * balancer and the desktop's worker try again later and a person reading
 * the log tells an outage from a bug (500).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || BUSY_OR_DOWN_CODES.test(code))) return true;
  return CONNECTION_DROPPED.test(error.message);
}
