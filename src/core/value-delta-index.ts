// The decisive `value_delta_pct` delta of a diff, per field, direction and watched ids. Memoised per diff, so
// 100 rules over a 100k-row diff read its deltas once; a FullDiff is never changed after computeDiff.
import type { Direction, FullDiff, RowId, RowValueDelta } from "./types.js";
import { compareValueDeltas } from "./value-deltas.js";

/** Up is a rise (to > from): so a change from 0 to a positive value, whose delta_pct is null, is up. */
export function isRise(delta: Pick<RowValueDelta, "from" | "to">): boolean {
  return delta.to > delta.from;
}

/** The first of two deltas in contract order (a change from 0, else the larger |delta_pct|). */
function first(x: RowValueDelta | undefined, y: RowValueDelta | undefined): RowValueDelta | undefined {
  if (x === undefined) return y;
  if (y === undefined) return x;
  return compareValueDeltas(x, y) <= 0 ? x : y;
}

interface Largest {
  up?: RowValueDelta;
  down?: RowValueDelta;
}

const largestByField = new WeakMap<FullDiff, Map<string, Largest>>();
const byFieldAndId = new WeakMap<FullDiff, Map<string, Map<RowId, RowValueDelta>>>();

function largestRiseAndFall(diff: FullDiff): Map<string, Largest> {
  let byField = largestByField.get(diff);
  if (byField) return byField;
  byField = new Map();
  for (const delta of diff.row_value_deltas) {
    let best = byField.get(delta.field);
    if (!best) byField.set(delta.field, (best = {}));
    if (isRise(delta)) best.up = first(best.up, delta);
    else best.down = first(best.down, delta);
  }
  largestByField.set(diff, byField);
  return byField;
}

/** Built only when a rule watches ids: a diff holds at most one delta per (id, field). */
function deltasById(diff: FullDiff, field: string): Map<RowId, RowValueDelta> | undefined {
  let fields = byFieldAndId.get(diff);
  if (!fields) {
    fields = new Map();
    for (const delta of diff.row_value_deltas) {
      let ids = fields.get(delta.field);
      if (!ids) fields.set(delta.field, (ids = new Map()));
      ids.set(delta.id, delta);
    }
    byFieldAndId.set(diff, fields);
  }
  return fields.get(field);
}

const counts = (delta: RowValueDelta, direction: Direction) =>
  direction === "any" || (direction === "up") === isRise(delta);

/**
 * The delta that decides a `value_delta_pct` leaf: the first in contract order among the deltas on `field`
 * that go in `direction`, of the rows in `ids` when given. If it does not reach p, no other one does.
 */
export function decisiveDelta(
  diff: FullDiff,
  field: string,
  direction: Direction,
  ids: readonly RowId[] | undefined,
): RowValueDelta | undefined {
  if (ids === undefined) {
    const best = largestRiseAndFall(diff).get(field);
    if (!best) return undefined;
    return direction === "up" ? best.up : direction === "down" ? best.down : first(best.up, best.down);
  }
  const byId = deltasById(diff, field);
  if (!byId) return undefined;
  let decided: RowValueDelta | undefined;
  for (const id of ids) {
    const delta = byId.get(id);
    if (delta !== undefined && counts(delta, direction)) decided = first(decided, delta);
  }
  return decided;
}
