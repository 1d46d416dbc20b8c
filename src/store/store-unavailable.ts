// Whether a request failed because the database could not take it now, and whether the request was then
// left undone. The HTTP layer answers 503 with Retry-After where a retry is safe, so clients and load
// balancers back off and retry; anything else stays a 500, a failure to look into.
//
// Only errors that came from the database connection count: a code alone would also match a client that
// aborted its own request (ECONNRESET from the request stream).
import { DrizzleQueryError } from "drizzle-orm/errors";

/** Refused before any statement ran: nothing was done, whatever the request was. */
const REFUSED = new Set([
  "ECONNREFUSED",
  "CONNECT_TIMEOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08004", // sqlserver_rejected_establishment_of_sqlconnection
  "53300", // too_many_connections
  "57P03", // cannot_connect_now (starting up)
]);

/** Lost while statements ran: a read can be retried, but a write may have committed. */
const LOST = new Set([
  "CONNECTION_CLOSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "08000", // connection_exception
  "08003", // connection_does_not_exist
  "08006", // connection_failure
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
]);

export type StoreFailure = "refused" | "lost";

/**
 * "refused" or "lost" for an error from the database's connection (drizzle wraps the driver's error in
 * `cause`); null for anything else, this process's own closed pool included (CONNECTION_ENDED: it will
 * not come back, so a retry would not help).
 */
export function storeFailure(error: unknown): StoreFailure | null {
  let e: unknown = error;
  // Under a failed drizzle query, whatever broke was the query's connection ("read ECONNRESET" included).
  let underQuery = false;
  for (let depth = 0; depth < 4 && typeof e === "object" && e !== null; depth++) {
    if (e instanceof DrizzleQueryError) underQuery = true;
    const { code, name } = e as { code?: unknown; name?: unknown };
    // postgres.js's PostgresError carries a SQLSTATE, its own connection errors and a failed connect an address.
    const fromDatabase = underQuery || name === "PostgresError" || "address" in e;
    if (typeof code === "string" && fromDatabase) {
      if (REFUSED.has(code)) return "refused";
      if (LOST.has(code)) return "lost";
      return null;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** A request that changes nothing can be retried after any failure to reach the database. */
export const retrySafe = (failure: StoreFailure | null, method: string): boolean =>
  failure === "refused" || (failure === "lost" && (method === "GET" || method === "HEAD"));
