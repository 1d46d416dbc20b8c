// Which subscriptions a new snapshot notifies. Pure: the store calls it inside the ingest transaction.
import { capDiff, computeDiff } from "./diff.js";
import { evaluateRule } from "./rules.js";
import type { Diff, FullDiff, RankSettings, Rule, SnapshotData, TraceNode } from "./types.js";

export interface Judged<S> {
  diff: Diff;
  matches: { subscription: S; trace: TraceNode }[];
}

/**
 * A diff that measured no change notifies nobody, whatever the rules say: a `not` rule would otherwise
 * fire on every unchanged hourly snapshot.
 */
export function isEmptyDiff(diff: FullDiff): boolean {
  const c = diff.counts;
  const metricChanged = diff.primary_metric.from !== diff.primary_metric.to;
  return c.top_n_changes + c.row_value_deltas + c.id_set_added + c.id_set_removed === 0 && !metricChanged;
}

export function judge<S extends { threshold_json: Rule }>(
  previous: SnapshotData,
  next: SnapshotData,
  settings: RankSettings,
  subscriptions: readonly S[],
): Judged<S> {
  const full = computeDiff(previous, next, settings);
  const matches: Judged<S>["matches"] = [];
  if (!isEmptyDiff(full)) {
    for (const subscription of subscriptions) {
      const trace = evaluateRule(subscription.threshold_json, full);
      if (trace.matched) matches.push({ subscription, trace });
    }
  }
  return { diff: capDiff(full), matches };
}
