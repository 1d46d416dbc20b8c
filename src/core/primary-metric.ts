// The one headline number of a snapshot, and how much it moved.
import type { RankSettings, SnapshotData } from "./types.js";

/**
 * A snapshot's own `primaryMetric` wins; else the sum of `primaryMetricField` over its rows (a row without a
 * finite number there adds 0, so a dashboard with the field set always has a metric); else none (`null`).
 */
export function primaryMetricOf(
  snapshot: SnapshotData,
  settings: Pick<RankSettings, "primaryMetricField">,
): number | null {
  const own = snapshot.primaryMetric;
  if (typeof own === "number" && Number.isFinite(own)) return own;
  const field = settings.primaryMetricField;
  if (field === null) return null;
  let sum = 0;
  for (const row of snapshot.rows) {
    const v = row[field];
    if (typeof v === "number" && Number.isFinite(v)) sum += v;
  }
  return sum;
}

/** `null` when either side has no metric or the old one is 0: a ratio against 0 has no value to report. */
export function primaryMetricDeltaPct(from: number | null, to: number | null): number | null {
  if (from === null || to === null || from === 0) return null;
  return (to - from) / Math.abs(from);
}
