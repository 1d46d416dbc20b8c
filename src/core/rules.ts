// Judging a validated threshold rule against a full diff.
import { fieldCompareLeaf } from "./level-leaves.js";
import { entersTopNLeaf, leavesTopNLeaf, rankMovedMinLeaf, topNReorderingLeaf } from "./rank-leaves.js";
import { viewRule, type LeafView } from "./rule-node.js";
import {
  primaryMetricDeltaPctLeaf,
  rowCountDeltaPctLeaf,
  setAddedMinLeaf,
  setRemovedMinLeaf,
  valueDeltaPctLeaf,
  type LeafOutcome,
} from "./rule-leaves.js";
import { boundTrace } from "./trace-bound.js";
import type { FullDiff, Rule, TraceNode } from "./types.js";

export { topNReorderingMax } from "./rule-node.js";
export { validateRule, type RuleValidation } from "./rule-validate.js";

function judgeLeaf(view: LeafView, diff: FullDiff): LeafOutcome {
  switch (view.node) {
    case "top_n_reordering":
      return topNReorderingLeaf(view.rule, diff);
    case "value_delta_pct":
      return valueDeltaPctLeaf(view.rule, diff);
    case "set_added_min":
      return setAddedMinLeaf(view.rule, diff);
    case "set_removed_min":
      return setRemovedMinLeaf(view.rule, diff);
    case "primary_metric_delta_pct":
      return primaryMetricDeltaPctLeaf(view.rule, diff);
    case "row_count_delta_pct":
      return rowCountDeltaPctLeaf(view.rule, diff);
    case "field_compare":
      return fieldCompareLeaf(view.rule, diff);
    case "enters_top_n":
      return entersTopNLeaf(view.rule, diff);
    case "leaves_top_n":
      return leavesTopNLeaf(view.rule, diff);
    case "rank_moved_min":
      return rankMovedMinLeaf(view.rule, diff);
    default:
      return view satisfies never;
  }
}

/**
 * The trace mirrors the rule tree: every child of `and`/`or` is evaluated (no short-circuit), so a stored
 * trace, and an explain, shows each leaf's deciding values, not just the first one that settled the answer.
 * It is bounded in bytes whatever the rule (trace-bound.ts); `matched` is always the rule's answer.
 */
export function evaluateRule(rule: Rule, diff: FullDiff): TraceNode {
  return boundTrace(traceRule(rule, diff));
}

/** The whole trace, not yet bounded: for a caller that marks its root before bounding it (judge.ts). */
export function traceRule(rule: Rule, diff: FullDiff): TraceNode {
  const view = viewRule(rule);
  switch (view.node) {
    case "and": {
      const children = view.rule.and.map((child) => traceRule(child, diff));
      return { node: "and", matched: children.every((c) => c.matched), children };
    }
    case "or": {
      const children = view.rule.or.map((child) => traceRule(child, diff));
      return { node: "or", matched: children.some((c) => c.matched), children };
    }
    case "not": {
      const child = traceRule(view.rule.not, diff);
      return { node: "not", matched: !child.matched, children: [child] };
    }
    default: {
      const { matched, value, threshold, detail } = judgeLeaf(view, diff);
      return { node: view.node, matched, value, threshold, ...(detail ? { detail } : {}) };
    }
  }
}
