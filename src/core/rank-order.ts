// Ordering rows by a numeric key, descending, ties by id, without a JS comparator over every row.
import { compareIds } from "./row-id.js";
import type { RowId } from "./types.js";

/** Index of the first element of ascending `sorted` greater than `key`. */
function upperBound(sorted: Float64Array, key: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isDescending(keys: Float64Array): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! < keys[i]!) return false;
  return true;
}

/**
 * Rows grouped by key, descending, each group in index order. The keys are sorted natively and each row is
 * placed by binary search into its key's slot range: about half the cost of a comparator sort over 100k rows.
 */
function groupByKeyDescending(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const sorted = keys.slice().sort();
  const order = new Uint32Array(n);
  const filled = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    // Descending, the run of key k starts where the keys greater than k end.
    const start = n - upperBound(sorted, keys[i]!);
    order[start + filled[start]!++] = i;
  }
  return order;
}

/**
 * Rows by key descending, equal keys in index order, by insertion sort: consecutive snapshots of a ranked
 * board are mostly in order already, and then this costs a pass plus the moves. Gives up (null) once the
 * moves pass `budget`, so a shuffled input costs O(budget) here before the general path.
 */
function insertionByKeyDescending(keys: Float64Array, budget: number): Uint32Array | null {
  const order = new Uint32Array(keys.length);
  let moves = 0;
  for (let p = 0; p < keys.length; p++) {
    const key = keys[p]!;
    let q = p - 1;
    for (; q >= 0 && keys[order[q]!]! < key; q--) order[q + 1] = order[q]!;
    moves += p - 1 - q;
    if (moves > budget) return null;
    order[q + 1] = p;
  }
  return order;
}

/** Sorts `order[start..end)` by id: insertion sort in place for the usual short run, else a real sort. */
function sortRun(order: Uint32Array, start: number, end: number, ids: readonly RowId[]): void {
  if (end - start > 16) {
    const run = order.subarray(start, end);
    run.set(Array.from(run).sort((i, j) => compareIds(ids[i]!, ids[j]!)));
    return;
  }
  for (let p = start + 1; p < end; p++) {
    const row = order[p]!;
    let q = p - 1;
    for (; q >= start && compareIds(ids[order[q]!]!, ids[row]!) > 0; q--) order[q + 1] = order[q]!;
    order[q + 1] = row;
  }
}

function sortTiesById(order: Uint32Array, keys: Float64Array, ids: readonly RowId[]): void {
  let runStart = 0;
  for (let p = 1; p <= order.length; p++) {
    if (p < order.length && keys[order[p]!] === keys[order[runStart]!]) continue;
    if (p - runStart > 1) sortRun(order, runStart, p, ids);
    runStart = p;
  }
}

/**
 * Row indices ordered by `keys` descending, equal keys by `compareIds`. Keys must not be NaN. Publishers
 * often send rows already ranked, so one pass checks for that and leaves only ties to sort.
 */
export function orderByKeyDescending(keys: Float64Array, ids: readonly RowId[]): Uint32Array {
  let order: Uint32Array;
  if (isDescending(keys)) {
    order = new Uint32Array(keys.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
  } else {
    order = insertionByKeyDescending(keys, 8 * keys.length) ?? groupByKeyDescending(keys);
  }
  sortTiesById(order, keys, ids);
  return order;
}
