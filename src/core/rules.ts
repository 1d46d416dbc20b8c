// Judging a validated threshold rule against a full diff.
import { viewRule } from "./rule-node.js";
import {
  primaryMetricDeltaPctLeaf,
  setAddedMinLeaf,
  setRemovedMinLeaf,
  topNReorderingLeaf,
  valueDeltaPctLeaf,
  type LeafOutcome,
} from "./rule-leaves.js";
import { boundTrace } from "./trace-bound.js";
import type { FullDiff, Rule, TraceNode } from "./types.js";

export { topNReorderingMax } from "./rule-node.js";
export { validateRule, type RuleValidation } from "./rule-validate.js";

function judgeNode(rule: Rule, diff: FullDiff, trace: boolean): LeafOutcome {
  const view = viewRule(rule);
  switch (view.node) {
    case "top_n_reordering":
      return topNReorderingLeaf(view.rule, diff, trace);
    case "value_delta_pct":
      return valueDeltaPctLeaf(view.rule, diff, trace);
    case "set_added_min":
      return setAddedMinLeaf(view.rule, diff, trace);
    case "set_removed_min":
      return setRemovedMinLeaf(view.rule, diff, trace);
    case "primary_metric_delta_pct":
      return primaryMetricDeltaPctLeaf(view.rule, diff, trace);
    case "and":
      return { matched: view.rule.and.every((child) => meetsThreshold(diff, child)) };
    case "or":
      return { matched: view.rule.or.some((child) => meetsThreshold(diff, child)) };
    case "not":
      return { matched: !meetsThreshold(diff, view.rule.not) };
    default:
      return view satisfies never;
  }
}

/**
 * The trace mirrors the rule tree: every child of `and`/`or` is evaluated (no short-circuit), so a stored
 * trace shows each leaf's deciding values, not just the first one that settled the answer. It is bounded in
 * bytes whatever the rule (trace-bound.ts); `matched` is always the rule's answer.
 */
export function evaluateRule(rule: Rule, diff: FullDiff): TraceNode {
  return boundTrace(traceRule(rule, diff));
}

function traceRule(rule: Rule, diff: FullDiff): TraceNode {
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
      const { matched, value } = judgeNode(rule, diff, true);
      return { node: view.node, matched, value };
    }
  }
}

/** `evaluateRule(rule, diff).matched`, short-circuiting and building no trace. */
export function meetsThreshold(diff: FullDiff, rule: Rule): boolean {
  return judgeNode(rule, diff, false).matched;
}
