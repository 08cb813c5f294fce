/** Socket-level failures: the server is not there (or went away mid-query). */
const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/**
 * SQLSTATEs of a server that is shutting down, restarting or refusing connections:
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300
 * too_many_connections; class 08 is connection_exception.
 */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres reports these without a code. */
const unavailableMessages = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /is not queryable/i,
];

/**
 * True when `err` says PostgreSQL could not be reached, so the write may be spooled and
 * retried; false for everything else (constraint violations, bad input, bugs), which must
 * reach the caller rather than be kept for a replay that would fail the same way.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (networkErrorCodes.has(code) || unavailableSqlStates.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1)))
    return true;
  if (err instanceof Error && unavailableMessages.some((m) => m.test(err.message))) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause, depth + 1);
}

/**
 * True when the database (or the repository's validation) refused the data itself: a
 * TrackingError, or SQLSTATE class 22 (data exception) or 23 (integrity constraint). Such a
 * write fails the same way on every retry.
 */
export function isBadData(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('TRACKING_') || /^2[23][0-9A-Z]{3}$/.test(code));
}
