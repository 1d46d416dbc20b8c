// Per-field numeric changes of rows present on both sides.
import { compareIds } from "./row-id.js";
import type { Row, RowId, RowValueDelta } from "./types.js";

/** (to − from) / |from|; `null` for a change away from 0, 0 for no change at all. */
export function deltaPct(from: number, to: number): number | null {
  if (from === 0) return to === 0 ? 0 : null;
  return (to - from) / Math.abs(from);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Contract order: changes from 0 (`null`) first, then |delta_pct| descending; ties by id, then field. */
export function compareValueDeltas(x: RowValueDelta, y: RowValueDelta): number {
  const px = x.delta_pct;
  const py = y.delta_pct;
  if (px !== py) {
    if (px === null) return -1;
    if (py === null) return 1;
    const ax = Math.abs(px);
    const ay = Math.abs(py);
    if (ax !== ay) return ax > ay ? -1 : 1;
  }
  const byId = compareIds(x.id, y.id);
  if (byId !== 0) return byId;
  return x.field < y.field ? -1 : x.field > y.field ? 1 : 0;
}

/**
 * Appends the changes of one row present on both sides. Fields are read from the old row: a field must be
 * a finite number on both sides to count, so its keys cover every candidate. `-0` equals `0` here, as in
 * JSON. A difference of two huge finite values may overflow to ±Infinity; it is kept (it serialises as
 * `null`) rather than dropped.
 */
export function pushValueDeltas(out: RowValueDelta[], id: RowId, before: Row, after: Row, idField: string): void {
  for (const field in before) {
    if (field === idField) continue;
    const from = before[field];
    if (!isFiniteNumber(from)) continue;
    const to = after[field];
    if (!isFiniteNumber(to) || to === from) continue;
    out.push({ id, field, from, to, delta: to - from, delta_pct: deltaPct(from, to) });
  }
}
