// What each leaf of a threshold rule measures on a diff, and when that counts as a match.
import { compareValueDeltas, deltaPct } from "./value-deltas.js";
import type {
  FullDiff,
  PrimaryMetricDeltaPctRule,
  RowValueDelta,
  SetAddedMinRule,
  SetRemovedMinRule,
  TopNReorderingRule,
  ValueDeltaPctRule,
} from "./types.js";

/** A leaf's outcome: `value` is built only for a trace, which `meetsThreshold` does not need. */
export interface LeafOutcome {
  matched: boolean;
  value?: unknown;
}

/**
 * Per field, the delta that decides a `value_delta_pct` leaf: the first in contract order (a change from 0,
 * else the largest |delta_pct|). Memoised per diff, so 100 rules over a 100k-row diff read its deltas once;
 * a FullDiff is never changed after computeDiff returns it.
 */
const largestByField = new WeakMap<FullDiff, Map<string, RowValueDelta>>();

function largestDeltas(diff: FullDiff): Map<string, RowValueDelta> {
  let byField = largestByField.get(diff);
  if (byField) return byField;
  byField = new Map();
  for (const delta of diff.row_value_deltas) {
    const best = byField.get(delta.field);
    if (best === undefined || compareValueDeltas(delta, best) < 0) byField.set(delta.field, delta);
  }
  largestByField.set(diff, byField);
  return byField;
}

/** A real change of at least `p`: Δ ≠ 0 and |Δ| ≥ p, where `null` is a change from 0 and matches any p. */
function pctReaches(pct: number | null, p: number): boolean {
  return pct === null || (pct !== 0 && Math.abs(pct) >= p);
}

/**
 * Entry, exit or swap among the first N ranks. N is at most the dashboard's top_n (validation and the 409 on
 * lowering top_n keep it so), and `top_ids` holds top_n ids per side, so the slices are complete.
 */
export function topNReorderingLeaf(rule: TopNReorderingRule, diff: FullDiff, trace: boolean): LeafOutcome {
  const n = rule.top_n_reordering;
  const from = diff.top_ids.from.slice(0, n);
  const to = diff.top_ids.to.slice(0, n);
  const matched = from.length !== to.length || from.some((id, k) => id !== to[k]);
  return trace ? { matched, value: { n, from, to } } : { matched };
}

export function valueDeltaPctLeaf(rule: ValueDeltaPctRule, diff: FullDiff, trace: boolean): LeafOutcome {
  const largest = largestDeltas(diff).get(rule.on_field);
  const matched = largest !== undefined && pctReaches(largest.delta_pct, rule.value_delta_pct);
  if (!trace) return { matched };
  const decided = largest && { id: largest.id, from: largest.from, to: largest.to, delta_pct: largest.delta_pct };
  return { matched, value: { on_field: rule.on_field, threshold: rule.value_delta_pct, largest: decided ?? null } };
}

export function setAddedMinLeaf(rule: SetAddedMinRule, diff: FullDiff, trace: boolean): LeafOutcome {
  const added = diff.counts.id_set_added;
  const matched = added >= rule.set_added_min;
  return trace ? { matched, value: { min: rule.set_added_min, added } } : { matched };
}

export function setRemovedMinLeaf(rule: SetRemovedMinRule, diff: FullDiff, trace: boolean): LeafOutcome {
  const removed = diff.counts.id_set_removed;
  const matched = removed >= rule.set_removed_min;
  return trace ? { matched, value: { min: rule.set_removed_min, removed } } : { matched };
}

/** Read from `primary_metric`, not `primary_metric_delta_pct`: the latter is `null` both for "none" and "from 0". */
export function primaryMetricDeltaPctLeaf(rule: PrimaryMetricDeltaPctRule, diff: FullDiff, trace: boolean): LeafOutcome {
  const { from, to } = diff.primary_metric;
  const p = rule.primary_metric_delta_pct;
  const pct = from === null || to === null ? 0 : deltaPct(from, to);
  const matched = pctReaches(pct, p);
  return trace ? { matched, value: { threshold: p, from, to, delta_pct: diff.primary_metric_delta_pct } } : { matched };
}
