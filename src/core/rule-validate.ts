// Refusing a bad `threshold_json` at subscription time, naming every problem by JSON Pointer at once.
import { LEAF_KEYS, OPERATOR_KEYS, type RuleNodeName } from "./rule-node.js";
import type { Rule, RuleIssue } from "./types.js";

export const MAX_RULE_DEPTH = 16;
export const MAX_RULE_NODES = 256;

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; issues: RuleIssue[] };

const NODE_KEYS: ReadonlySet<string> = new Set<string>([...LEAF_KEYS, ...OPERATOR_KEYS]);

interface Walk {
  topN: number;
  issues: RuleIssue[];
  nodes: number;
  tooDeep: boolean;
  tooBig: boolean;
}

function escapeToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}

interface NumberSpec {
  ok: (n: number) => boolean;
  want: string;
}

const FRACTION: NumberSpec = { ok: (n) => n >= 0, want: "a finite number ≥ 0 (a fraction: 0.1 is 10 %)" };
const COUNT: NumberSpec = { ok: (n) => Number.isInteger(n) && n >= 1, want: "an integer ≥ 1" };

function rankSpec(topN: number): NumberSpec {
  return { ok: (n) => Number.isInteger(n) && n >= 1 && n <= topN, want: `an integer from 1 to the dashboard's top_n (${topN})` };
}

/** Checks one numeric member and reports at the member itself, as the contract's pointers require. */
function checkNumber(walk: Walk, pointer: string, value: unknown, spec: NumberSpec): number {
  if (typeof value === "number" && Number.isFinite(value) && spec.ok(value)) return value;
  walk.issues.push({ pointer, detail: `must be ${spec.want}` });
  return Number.NaN;
}

function checkNode(walk: Walk, json: Record<string, unknown>, node: RuleNodeName, pointer: string, depth: number): Rule {
  const at = `${pointer}/${node}`;
  const value = json[node];
  switch (node) {
    case "top_n_reordering":
      return { top_n_reordering: checkNumber(walk, at, value, rankSpec(walk.topN)) };
    case "value_delta_pct": {
      const p = checkNumber(walk, at, value, FRACTION);
      const field = json.on_field;
      if (typeof field !== "string" || field.length === 0) {
        walk.issues.push({ pointer: `${pointer}/on_field`, detail: "must be a non-empty string naming a row field" });
      }
      return { value_delta_pct: p, on_field: String(field) };
    }
    case "set_added_min":
      return { set_added_min: checkNumber(walk, at, value, COUNT) };
    case "set_removed_min":
      return { set_removed_min: checkNumber(walk, at, value, COUNT) };
    case "primary_metric_delta_pct":
      return { primary_metric_delta_pct: checkNumber(walk, at, value, FRACTION) };
    case "and":
    case "or": {
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
    case "not":
      return { not: walkRule(walk, value, at, depth + 1) };
    default:
      return node satisfies never;
  }
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
  for (const key of keys) {
    if (key === node || (key === "on_field" && node === "value_delta_pct")) continue;
    walk.issues.push({ pointer: `${pointer}/${escapeToken(key)}`, detail: `is not a member of a ${node} rule` });
  }
  return checkNode(walk, json, node, pointer, depth);
}

/**
 * Checks a `threshold_json` against the contract (leaf ranges, non-empty and/or, depth ≤ 16 with a lone leaf
 * at depth 1, ≤ 256 nodes counting leaves and operators) and returns a fresh copy holding only rule members.
 * `topN` is the dashboard's current top_n, the ceiling for `top_n_reordering`.
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
