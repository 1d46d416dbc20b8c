// Whether a failed store call means the database could not take it now (unreachable, connections
// exhausted, shutting down or starting up) rather than a bug. The HTTP layer answers those 503 with
// Retry-After, so clients and load balancers back off and retry instead of reading a hub failure.

/** postgres.js's own connection errors and the socket errnos it passes on. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/**
 * SQLSTATE classes 08 (connection exception) and 53 (insufficient resources: too many connections, out of
 * memory, disk full), and 57P01–57P03 (the server shutting down, restarting after a crash, or starting).
 */
const isUnavailableState = (code: string) => code.startsWith("08") || code.startsWith("53") || /^57P0[123]$/.test(code);

/** Follows `cause` (drizzle wraps the driver's error) a few levels down. */
export function isStoreUnavailable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && typeof e === "object" && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || isUnavailableState(code))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
