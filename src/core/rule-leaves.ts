// What the change leaves of a threshold rule measure on a diff, and when that counts as a match.
import { decisiveDelta } from "./value-delta-index.js";
import { deltaPct } from "./value-deltas.js";
import type {
  Direction,
  FullDiff,
  PrimaryMetricDeltaPctRule,
  RowCountDeltaPctRule,
  SetAddedMinRule,
  SetRemovedMinRule,
  ValueDeltaPctRule,
} from "./types.js";

/**
 * A leaf's outcome as its trace node shows it: `value` is the number that decided it (null when there is
 * none), `threshold` the leaf's own p, k, N or x, `detail` what a reader needs to see why.
 */
export interface LeafOutcome {
  matched: boolean;
  value: number | null;
  threshold: number;
  detail?: Record<string, unknown>;
}

/**
 * A real change of at least `p` in `direction`: Δ ≠ 0 and |Δ| ≥ p, where `pct` null is a change from 0 and
 * matches any p. `rise` is to > from, so a change from 0 counts as up when it goes positive.
 */
export function changeReaches(pct: number | null, rise: boolean, p: number, direction: Direction = "any"): boolean {
  if ((direction === "up" && !rise) || (direction === "down" && rise)) return false;
  return pct === null || (pct !== 0 && Math.abs(pct) >= p);
}

export function valueDeltaPctLeaf(rule: ValueDeltaPctRule, diff: FullDiff): LeafOutcome {
  const direction = rule.direction ?? "any";
  const decided = decisiveDelta(diff, rule.on_field, direction, rule.ids);
  const matched = decided !== undefined && changeReaches(decided.delta_pct, true, rule.value_delta_pct);
  const largest = decided ? { id: decided.id, from: decided.from, to: decided.to, delta_pct: decided.delta_pct } : null;
  return {
    matched,
    value: decided?.delta_pct ?? null,
    threshold: rule.value_delta_pct,
    detail: { on_field: rule.on_field, direction, largest },
  };
}

export function setAddedMinLeaf(rule: SetAddedMinRule, diff: FullDiff): LeafOutcome {
  const added = diff.counts.id_set_added;
  return { matched: added >= rule.set_added_min, value: added, threshold: rule.set_added_min };
}

export function setRemovedMinLeaf(rule: SetRemovedMinRule, diff: FullDiff): LeafOutcome {
  const removed = diff.counts.id_set_removed;
  return { matched: removed >= rule.set_removed_min, value: removed, threshold: rule.set_removed_min };
}

/** Read from `primary_metric`, not `primary_metric_delta_pct`: the latter is `null` both for "none" and "from 0". */
export function primaryMetricDeltaPctLeaf(rule: PrimaryMetricDeltaPctRule, diff: FullDiff): LeafOutcome {
  const { from, to } = diff.primary_metric;
  const p = rule.primary_metric_delta_pct;
  const matched = from !== null && to !== null && changeReaches(deltaPct(from, to), to > from, p, rule.direction);
  return { matched, value: diff.primary_metric_delta_pct, threshold: p, detail: { from, to, direction: rule.direction ?? "any" } };
}

/** The row counts always exist, so from 0 to some rows is a change from 0 (value null) and matches any p. */
export function rowCountDeltaPctLeaf(rule: RowCountDeltaPctRule, diff: FullDiff): LeafOutcome {
  const { from, to } = diff.row_count;
  const pct = deltaPct(from, to);
  const p = rule.row_count_delta_pct;
  return { matched: changeReaches(pct, to > from, p, rule.direction), value: pct, threshold: p, detail: { from, to, direction: rule.direction ?? "any" } };
}
