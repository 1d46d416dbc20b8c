// The `ids` member of a leaf as a set. A backtest judges one rule over thousands of snapshots and live ingest
// judges the same stored rule at every snapshot, so the set is built once per rule array, not per judgement.
import type { RowId } from "./types.js";

const sets = new WeakMap<readonly RowId[], ReadonlySet<RowId>>();

/** `Set` equality is SameValueZero: 1 and "1" stay apart, 0 and -0 are one id, as in the diff. */
export function idSet(ids: readonly RowId[]): ReadonlySet<RowId> {
  let set = sets.get(ids);
  if (!set) {
    set = new Set(ids);
    sets.set(ids, set);
  }
  return set;
}
