// Which node a rule object is: the one place that tells the members of the `Rule` union apart.
import type {
  AndRule,
  EntersTopNRule,
  FieldCompareRule,
  LeavesTopNRule,
  NotRule,
  OrRule,
  PrimaryMetricDeltaPctRule,
  RankMovedMinRule,
  RowCountDeltaPctRule,
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
  "row_count_delta_pct",
  "field_compare",
  "enters_top_n",
  "leaves_top_n",
  "rank_moved_min",
] as const;
export const OPERATOR_KEYS = ["and", "or", "not"] as const;
export type LeafName = (typeof LEAF_KEYS)[number];
export type RuleNodeName = LeafName | (typeof OPERATOR_KEYS)[number];

export type LeafView =
  | { node: "top_n_reordering"; rule: TopNReorderingRule }
  | { node: "value_delta_pct"; rule: ValueDeltaPctRule }
  | { node: "set_added_min"; rule: SetAddedMinRule }
  | { node: "set_removed_min"; rule: SetRemovedMinRule }
  | { node: "primary_metric_delta_pct"; rule: PrimaryMetricDeltaPctRule }
  | { node: "row_count_delta_pct"; rule: RowCountDeltaPctRule }
  | { node: "field_compare"; rule: FieldCompareRule }
  | { node: "enters_top_n"; rule: EntersTopNRule }
  | { node: "leaves_top_n"; rule: LeavesTopNRule }
  | { node: "rank_moved_min"; rule: RankMovedMinRule };

export type RuleView = LeafView | { node: "and"; rule: AndRule } | { node: "or"; rule: OrRule } | { node: "not"; rule: NotRule };

/** A discriminated view of a validated rule, so evaluators can `switch` exhaustively. */
export function viewRule(rule: Rule): RuleView {
  if ("and" in rule) return { node: "and", rule };
  if ("or" in rule) return { node: "or", rule };
  if ("not" in rule) return { node: "not", rule };
  if ("top_n_reordering" in rule) return { node: "top_n_reordering", rule };
  if ("value_delta_pct" in rule) return { node: "value_delta_pct", rule };
  if ("set_added_min" in rule) return { node: "set_added_min", rule };
  if ("set_removed_min" in rule) return { node: "set_removed_min", rule };
  if ("row_count_delta_pct" in rule) return { node: "row_count_delta_pct", rule };
  if ("field_compare" in rule) return { node: "field_compare", rule };
  if ("enters_top_n" in rule) return { node: "enters_top_n", rule };
  if ("leaves_top_n" in rule) return { node: "leaves_top_n", rule };
  if ("rank_moved_min" in rule) return { node: "rank_moved_min", rule };
  return { node: "primary_metric_delta_pct", rule };
}

/** The rank window a leaf reads from `top_ids`, 0 for leaves that read none. */
function leafTopN(view: LeafView): number {
  switch (view.node) {
    case "top_n_reordering":
      return view.rule.top_n_reordering;
    case "enters_top_n":
      return view.rule.enters_top_n;
    case "leaves_top_n":
      return view.rule.leaves_top_n;
    case "rank_moved_min":
      return view.rule.within_top_n;
    case "value_delta_pct":
    case "set_added_min":
    case "set_removed_min":
    case "primary_metric_delta_pct":
    case "row_count_delta_pct":
    case "field_compare":
      return 0;
    default:
      return view satisfies never;
  }
}

/**
 * The largest rank window N in a rule (`top_n_reordering`, `enters_top_n`, `leaves_top_n`, `within_top_n`),
 * 0 if none: a dashboard's `top_n` may not go below it, since `top_ids` holds only top_n ids per side.
 * (The name predates the other rank leaves; callers outside the core use it for the 409 on lowering top_n.)
 */
export function topNReorderingMax(rule: Rule): number {
  const view = viewRule(rule);
  switch (view.node) {
    case "and":
      return Math.max(0, ...view.rule.and.map(topNReorderingMax));
    case "or":
      return Math.max(0, ...view.rule.or.map(topNReorderingMax));
    case "not":
      return topNReorderingMax(view.rule.not);
    default:
      return leafTopN(view);
  }
}
