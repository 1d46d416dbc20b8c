// Which node a rule object is: the one place that tells the members of the `Rule` union apart.
import type {
  AndRule,
  NotRule,
  OrRule,
  PrimaryMetricDeltaPctRule,
  Rule,
  SetAddedMinRule,
  SetRemovedMinRule,
  TopNReorderingRule,
  ValueDeltaPctRule,
} from "./types.js";

export const LEAF_KEYS = [
  "top_n_reordering",
  "value_delta_pct",
  "set_added_min",
  "set_removed_min",
  "primary_metric_delta_pct",
] as const;
export const OPERATOR_KEYS = ["and", "or", "not"] as const;
export type RuleNodeName = (typeof LEAF_KEYS)[number] | (typeof OPERATOR_KEYS)[number];

export type RuleView =
  | { node: "top_n_reordering"; rule: TopNReorderingRule }
  | { node: "value_delta_pct"; rule: ValueDeltaPctRule }
  | { node: "set_added_min"; rule: SetAddedMinRule }
  | { node: "set_removed_min"; rule: SetRemovedMinRule }
  | { node: "primary_metric_delta_pct"; rule: PrimaryMetricDeltaPctRule }
  | { node: "and"; rule: AndRule }
  | { node: "or"; rule: OrRule }
  | { node: "not"; rule: NotRule };

/** A discriminated view of a validated rule, so evaluators can `switch` exhaustively. */
export function viewRule(rule: Rule): RuleView {
  if ("and" in rule) return { node: "and", rule };
  if ("or" in rule) return { node: "or", rule };
  if ("not" in rule) return { node: "not", rule };
  if ("top_n_reordering" in rule) return { node: "top_n_reordering", rule };
  if ("value_delta_pct" in rule) return { node: "value_delta_pct", rule };
  if ("set_added_min" in rule) return { node: "set_added_min", rule };
  if ("set_removed_min" in rule) return { node: "set_removed_min", rule };
  return { node: "primary_metric_delta_pct", rule };
}

/** The largest `top_n_reordering` N in a rule, 0 if none: a dashboard's `top_n` may not go below it. */
export function topNReorderingMax(rule: Rule): number {
  const view = viewRule(rule);
  switch (view.node) {
    case "top_n_reordering":
      return view.rule.top_n_reordering;
    case "and":
      return Math.max(0, ...view.rule.and.map(topNReorderingMax));
    case "or":
      return Math.max(0, ...view.rule.or.map(topNReorderingMax));
    case "not":
      return topNReorderingMax(view.rule.not);
    case "value_delta_pct":
    case "set_added_min":
    case "set_removed_min":
    case "primary_metric_delta_pct":
      return 0;
    default:
      return view satisfies never;
  }
}
