/** How a driver says the database cannot be reached at all: nothing of the request was done. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/**
 * PostgreSQL's SQLSTATEs for a server that is shutting down, starting up or
 * out of connections (57P01-57P03, 53300), or a connection that broke
 * (class 08); SQLite's for a lock another process held past the busy time-out.
 */
const BUSY_OR_DOWN_CODES = /^(08...|57P0[123]|53300|SQLITE_BUSY)$/;

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
