// Refusing a bad `threshold_json` at subscription time, naming every problem by JSON Pointer at once.
import { escapeToken, isObject } from "./rule-checks.js";
import { checkLeaf, LEAF_MEMBERS, type LeafWalk } from "./rule-leaf-validate.js";
import { LEAF_KEYS, OPERATOR_KEYS, type LeafName, type RuleNodeName } from "./rule-node.js";
import type { Rule, RuleIssue } from "./types.js";

export const MAX_RULE_DEPTH = 16;
export const MAX_RULE_NODES = 256;

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; issues: RuleIssue[] };

const NODE_KEYS: ReadonlySet<string> = new Set<string>([...LEAF_KEYS, ...OPERATOR_KEYS]);
const isLeaf = (node: RuleNodeName): node is LeafName => node in LEAF_MEMBERS;

interface Walk extends LeafWalk {
  nodes: number;
  tooDeep: boolean;
  tooBig: boolean;
}

function checkOperator(walk: Walk, value: unknown, node: "and" | "or" | "not", at: string, depth: number): Rule {
  if (node === "not") return { not: walkRule(walk, value, at, depth + 1) };
  if (!Array.isArray(value) || value.length === 0) {
    walk.issues.push({ pointer: at, detail: "must be a non-empty array of rules" });
    return { and: [] };
  }
  const children: Rule[] = [];
  for (let k = 0; k < value.length && !walk.tooBig; k++) {
    children.push(walkRule(walk, value[k], `${at}/${k}`, depth + 1));
  }
  return node === "and" ? { and: children } : { or: children };
}

/**
 * Returns a placeholder where the input is bad (the caller discards the result once an issue exists). Past
 * the depth or node limit the walk stops descending, so a hostile rule costs at most MAX_RULE_NODES visits
 * and no deep recursion.
 */
function walkRule(walk: Walk, json: unknown, pointer: string, depth: number): Rule {
  if (depth > MAX_RULE_DEPTH) walk.tooDeep = true;
  else if (++walk.nodes > MAX_RULE_NODES) walk.tooBig = true;
  if (walk.tooBig || walk.tooDeep) return { and: [] };
  if (!isObject(json)) {
    walk.issues.push({ pointer, detail: "must be a rule object" });
    return { and: [] };
  }
  const keys = Object.keys(json);
  const nodes = keys.filter((key) => NODE_KEYS.has(key)) as RuleNodeName[];
  if (nodes.length !== 1) {
    const detail =
      nodes.length === 0
        ? `must hold exactly one of ${[...NODE_KEYS].join(", ")}`
        : `holds ${nodes.join(" and ")}: a rule object holds exactly one of them (combine with "and"/"or")`;
    walk.issues.push({ pointer, detail });
    return { and: [] };
  }
  const node = nodes[0]!;
  const members = isLeaf(node) ? LEAF_MEMBERS[node] : [];
  for (const key of keys) {
    if (key === node || members.includes(key)) continue;
    walk.issues.push({ pointer: `${pointer}/${escapeToken(key)}`, detail: `is not a member of a ${node} rule` });
  }
  return isLeaf(node) ? checkLeaf(walk, json, node, pointer) : checkOperator(walk, json[node], node, `${pointer}/${node}`, depth);
}

/**
 * Checks a `threshold_json` against the contract (leaf ranges and members, non-empty and/or, depth ≤ 16 with
 * a lone leaf at depth 1, ≤ 256 nodes counting leaves and operators) and returns a fresh copy holding only
 * rule members. `topN` is the dashboard's current top_n, the ceiling of every rank window N.
 */
export function validateRule(json: unknown, topN: number, basePointer = "/threshold_json"): RuleValidation {
  const walk: Walk = { topN, issues: [], nodes: 0, tooDeep: false, tooBig: false };
  const rule = walkRule(walk, json, basePointer, 1);
  if (walk.tooDeep) {
    walk.issues.push({ pointer: basePointer, detail: `is nested deeper than ${MAX_RULE_DEPTH} levels (a lone leaf is 1)` });
  }
  if (walk.tooBig) {
    walk.issues.push({ pointer: basePointer, detail: `has more than ${MAX_RULE_NODES} nodes (leaves and operators)` });
  }
  return walk.issues.length === 0 ? { ok: true, rule } : { ok: false, issues: walk.issues };
}
