// Row ids keep their JSON type: 1 and "1" are different rows. A `Map<RowId, …>` already keeps them apart
// (SameValueZero never equates a number with a string), so no string key has to be built per row.
import type { RowId } from "./types.js";

export function isRowId(value: unknown): value is RowId {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/**
 * The one total order on ids, used wherever the contract says "by id ascending": every number before every
 * string, numbers by value, strings by UTF-16 code units (not locale: the order must not depend on the host).
 */
export function compareIds(a: RowId, b: RowId): number {
  if (typeof a === "number") {
    if (typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
    return -1;
  }
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
