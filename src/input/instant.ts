// PostgreSQL has no year 0, and JavaScript writes a year past 9999 with a sign PostgreSQL does not read:
// either reached the database and failed there (a 500), so an instant outside years 1 to 9999 UTC
// (its offset applied) is refused before it gets there.
import { z } from "zod";

/** The first and last instants PostgreSQL stores (UTC); also published as taken_at's `x-instant-range`. */
export const INSTANT_RANGE = ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"] as const;
const FIRST_INSTANT = Date.parse(INSTANT_RANGE[0]);
const LAST_INSTANT = Date.parse(INSTANT_RANGE[1]);

/** An ISO 8601 instant PostgreSQL can store: query parameters and a snapshot's taken_at. */
export const isoInstant = z.iso.datetime({ offset: true }).refine((v) => {
  const at = Date.parse(v);
  return at >= FIRST_INSTANT && at <= LAST_INSTANT;
}, "must be an instant from year 0001 to 9999 (UTC)");
