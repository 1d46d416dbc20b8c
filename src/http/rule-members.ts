// A rule, its baseline and its lifecycle as a body gives them (subscription create and PATCH, backtest):
// checked by the core's validators, every issue reported at once with its pointer.
import { validateBaseline, type Baseline } from "../core/baseline.js";
import { validateLifecycle, type Lifecycle } from "../core/lifecycle.js";
import { validateRule } from "../core/rules.js";
import type { Rule, RuleIssue } from "../core/types.js";
import { validationProblem } from "./problem.js";

export interface RuleMembers {
  rule?: Rule;
  baseline?: Baseline;
  /** null: the body asked for none. */
  lifecycle?: Lifecycle | null;
}

/** Members absent from the body stay absent (undefined); a bad one → 422 naming every bad pointer. */
export function validateRuleMembers(body: { threshold_json?: unknown; baseline?: unknown; lifecycle?: unknown }, topN: number): RuleMembers {
  const issues: RuleIssue[] = [];
  const out: RuleMembers = {};
  if (body.threshold_json !== undefined) {
    const r = validateRule(body.threshold_json, topN);
    if (r.ok) out.rule = r.rule;
    else issues.push(...r.issues);
  }
  if (body.baseline !== undefined) {
    const b = validateBaseline(body.baseline, "/baseline");
    if (b.ok) out.baseline = b.baseline;
    else issues.push(...b.issues);
  }
  if (body.lifecycle !== undefined) {
    const l = validateLifecycle(body.lifecycle, "/lifecycle");
    if (l.ok) out.lifecycle = l.lifecycle;
    else issues.push(...l.issues);
  }
  if (issues.length > 0) throw validationProblem(issues);
  return out;
}
