// One row of a leaf table: a rule, a diff, and what its trace node must say.
import { expect } from "vitest";
import { evaluateRule } from "../../src/core/rules.js";
import type { FullDiff, Rule, TraceNode } from "../../src/core/types.js";

export interface LeafCase {
  name: string;
  rule: Rule;
  diff: FullDiff;
  matched: boolean;
  trace?: Pick<TraceNode, "value" | "threshold" | "detail">;
}

export function checkLeaf({ rule, diff, matched, trace: want }: LeafCase): void {
  const trace = evaluateRule(rule, diff);
  expect(trace.node).toBe(Object.keys(rule)[0]);
  expect(trace.matched).toBe(matched);
  expect(trace.children).toBeUndefined();
  if (want) expect(trace).toEqual({ node: trace.node, matched, ...want });
}
