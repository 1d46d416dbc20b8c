import { describe, expect, it } from "vitest";
import { computeDiff } from "../../src/core/diff.js";
import { evaluateRule, topNReorderingMax, validateRule } from "../../src/core/rules.js";
import type { FullDiff, Rule, RuleIssue, TraceNode } from "../../src/core/types.js";
import { delta, diffWith } from "./full-diff.js";
import { checkLeaf, type LeafCase } from "./leaf-case.js";

const meetsThreshold = (diff: FullDiff, rule: Rule): boolean => evaluateRule(rule, diff).matched;

const TOP_N = 10;

function nest(depth: number): unknown {
  let rule: unknown = { set_added_min: 1 };
  for (let k = 1; k < depth; k++) rule = { not: rule };
  return rule;
}

describe("validateRule accepts", () => {
  const valid: { name: string; json: unknown }[] = [
    { name: "top_n_reordering from 1 to top_n", json: { or: [{ top_n_reordering: 1 }, { top_n_reordering: TOP_N }] } },
    { name: "value_delta_pct 0 with a field", json: { value_delta_pct: 0, on_field: "views" } },
    { name: "set_added_min and set_removed_min of 1", json: { and: [{ set_added_min: 1 }, { set_removed_min: 1 }] } },
    { name: "primary_metric_delta_pct as a fraction", json: { primary_metric_delta_pct: 0.05 } },
    { name: "depth 16 (a lone leaf is 1)", json: nest(16) },
    { name: "256 nodes", json: { or: Array.from({ length: 255 }, () => ({ set_added_min: 1 })) } },
  ];
  it.each(valid)("$name", ({ json }) => {
    expect(validateRule(json, TOP_N)).toEqual({ ok: true, rule: json });
  });

  it("returns a copy, not the caller's object", () => {
    const json = { and: [{ set_added_min: 2 }] };
    const result = validateRule(json, TOP_N);
    expect(result.ok && result.rule !== json && result.rule).toEqual(json);
  });
});

describe("validateRule refuses", () => {
  const invalid: { name: string; json: unknown; base?: string; issues: Pick<RuleIssue, "pointer">[] }[] = [
    { name: "a non-object", json: [], issues: [{ pointer: "/threshold_json" }] },
    { name: "null", json: null, issues: [{ pointer: "/threshold_json" }] },
    { name: "an object with no rule key", json: {}, issues: [{ pointer: "/threshold_json" }] },
    {
      name: "an object with two leaf keys",
      json: { set_added_min: 1, set_removed_min: 1 },
      issues: [{ pointer: "/threshold_json" }],
    },
    { name: "an unknown member", json: { set_added_min: 1, extra: 2 }, issues: [{ pointer: "/threshold_json/extra" }] },
    {
      name: "on_field beside another leaf, escaping the pointer",
      json: { set_added_min: 1, on_field: "x", "a/b~c": 1 },
      issues: [{ pointer: "/threshold_json/on_field" }, { pointer: "/threshold_json/a~1b~0c" }],
    },
    { name: "top_n_reordering 0", json: { top_n_reordering: 0 }, issues: [{ pointer: "/threshold_json/top_n_reordering" }] },
    {
      name: "top_n_reordering above top_n",
      json: { top_n_reordering: TOP_N + 1 },
      issues: [{ pointer: "/threshold_json/top_n_reordering" }],
    },
    {
      name: "top_n_reordering not an integer",
      json: { top_n_reordering: 2.5 },
      issues: [{ pointer: "/threshold_json/top_n_reordering" }],
    },
    {
      name: "a negative value_delta_pct and a missing on_field",
      json: { value_delta_pct: -0.1 },
      issues: [{ pointer: "/threshold_json/value_delta_pct" }, { pointer: "/threshold_json/on_field" }],
    },
    {
      name: "an infinite value_delta_pct (1e400) and an empty on_field",
      json: { value_delta_pct: Number.POSITIVE_INFINITY, on_field: "" },
      issues: [{ pointer: "/threshold_json/value_delta_pct" }, { pointer: "/threshold_json/on_field" }],
    },
    {
      name: "a numeric string for a number",
      json: { primary_metric_delta_pct: "0.1" },
      issues: [{ pointer: "/threshold_json/primary_metric_delta_pct" }],
    },
    { name: "set_added_min 0", json: { set_added_min: 0 }, issues: [{ pointer: "/threshold_json/set_added_min" }] },
    { name: "set_removed_min 1.5", json: { set_removed_min: 1.5 }, issues: [{ pointer: "/threshold_json/set_removed_min" }] },
    { name: "an empty and", json: { and: [] }, issues: [{ pointer: "/threshold_json/and" }] },
    { name: "an or that is not an array", json: { or: { set_added_min: 1 } }, issues: [{ pointer: "/threshold_json/or" }] },
    {
      name: "bad children, each at its own pointer",
      json: { and: [{ set_added_min: 1 }, { value_delta_pct: -1, on_field: "v" }, { not: { top_n_reordering: 99 } }] },
      issues: [
        { pointer: "/threshold_json/and/1/value_delta_pct" },
        { pointer: "/threshold_json/and/2/not/top_n_reordering" },
      ],
    },
    { name: "depth 17", json: nest(17), issues: [{ pointer: "/threshold_json" }] },
    {
      name: "257 nodes",
      json: { or: Array.from({ length: 256 }, () => ({ set_added_min: 1 })) },
      issues: [{ pointer: "/threshold_json" }],
    },
    {
      name: "a huge rule, without walking all of it",
      json: { and: Array.from({ length: 100_000 }, () => ({ set_added_min: 0 })) },
      issues: [...Array.from({ length: 255 }, (_, k) => ({ pointer: `/threshold_json/and/${k}/set_added_min` })), { pointer: "/threshold_json" }],
    },
    {
      name: "under another base pointer",
      json: { not: { set_added_min: -1 } },
      base: "/subscriptions/0/threshold_json",
      issues: [{ pointer: "/subscriptions/0/threshold_json/not/set_added_min" }],
    },
  ];
  it.each(invalid)("$name", ({ json, base, issues }) => {
    const result = validateRule(json, TOP_N, base);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(({ pointer }) => ({ pointer }))).toEqual(issues);
    for (const issue of result.issues) expect(issue.detail).toMatch(/\w/);
  });

  it("refuses a 100 000-deep rule without overflowing the stack", () => {
    const result = validateRule(nest(100_000), TOP_N);
    expect(result).toEqual({ ok: false, issues: [{ pointer: "/threshold_json", detail: expect.stringContaining("16") }] });
  });
});


const topIds = (from: string[], to: string[]) => diffWith({ top_ids: { from, to } });
const metric = (from: number | null, to: number | null) => diffWith({ primary_metric: { from, to } });

const leafCases: LeafCase[] = [
  { name: "top_n_reordering: no change", rule: { top_n_reordering: 2 }, diff: topIds(["a", "b", "c"], ["a", "b", "c"]), matched: false },
  {
    name: "top_n_reordering: a swap within N",
    rule: { top_n_reordering: 2 },
    diff: topIds(["a", "b", "c"], ["b", "a", "c"]),
    matched: true,
    trace: { value: 1, threshold: 2, detail: { from: ["a", "b"], to: ["b", "a"] } },
  },
  { name: "top_n_reordering: a swap below N", rule: { top_n_reordering: 2 }, diff: topIds(["a", "b", "c"], ["a", "b", "d"]), matched: false },
  { name: "top_n_reordering: an entry", rule: { top_n_reordering: 3 }, diff: topIds(["a", "b", "c"], ["a", "b", "d"]), matched: true },
  { name: "top_n_reordering: an exit from a short table", rule: { top_n_reordering: 3 }, diff: topIds(["a", "b"], ["a"]), matched: true },
  {
    name: "value_delta_pct: the largest change on the field reaches p",
    rule: { value_delta_pct: 0.5, on_field: "v" },
    diff: diffWith({ row_value_deltas: [delta("a", "v", 10, 11), delta("b", "v", 10, 4), delta("c", "w", 1, 100)] }),
    matched: true,
    trace: { value: -0.6, threshold: 0.5, detail: { on_field: "v", direction: "any", largest: { id: "b", from: 10, to: 4, delta_pct: -0.6 } } },
  },
  {
    name: "value_delta_pct: a change on another field does not count",
    rule: { value_delta_pct: 0.5, on_field: "v" },
    diff: diffWith({ row_value_deltas: [delta("a", "v", 10, 11), delta("c", "w", 1, 100)] }),
    matched: false,
    trace: { value: 0.1, threshold: 0.5, detail: { on_field: "v", direction: "any", largest: { id: "a", from: 10, to: 11, delta_pct: 0.1 } } },
  },
  {
    name: "value_delta_pct: a change from 0 matches any p",
    rule: { value_delta_pct: 1000, on_field: "v" },
    diff: diffWith({ row_value_deltas: [delta("a", "v", 10, 1000), delta("z", "v", 0, 1)] }),
    matched: true,
    trace: { value: null, threshold: 1000, detail: { on_field: "v", direction: "any", largest: { id: "z", from: 0, to: 1, delta_pct: null } } },
  },
  {
    name: "value_delta_pct: p 0 matches any real change",
    rule: { value_delta_pct: 0, on_field: "v" },
    diff: diffWith({ row_value_deltas: [delta("a", "v", 1e9, 1e9 + 1)] }),
    matched: true,
  },
  {
    name: "value_delta_pct: p 0 does not match without a change",
    rule: { value_delta_pct: 0, on_field: "v" },
    diff: diffWith({}),
    matched: false,
    trace: { value: null, threshold: 0, detail: { on_field: "v", direction: "any", largest: null } },
  },
  { name: "set_added_min: reached", rule: { set_added_min: 2 }, diff: diffWith({ id_set_added: ["x", 1] }), matched: true, trace: { value: 2, threshold: 2 } },
  { name: "set_added_min: short", rule: { set_added_min: 3 }, diff: diffWith({ id_set_added: ["x", 1] }), matched: false },
  { name: "set_removed_min: reached", rule: { set_removed_min: 1 }, diff: diffWith({ id_set_removed: ["x"] }), matched: true, trace: { value: 1, threshold: 1 } },
  { name: "set_removed_min: counts removals only", rule: { set_removed_min: 1 }, diff: diffWith({ id_set_added: ["x"] }), matched: false },
  {
    name: "primary_metric_delta_pct: a drop reaching p",
    rule: { primary_metric_delta_pct: 0.25 },
    diff: diffWith({ primary_metric: { from: 100, to: 75 }, primary_metric_delta_pct: -0.25 }),
    matched: true,
    trace: { value: -0.25, threshold: 0.25, detail: { from: 100, to: 75, direction: "any" } },
  },
  { name: "primary_metric_delta_pct: a rise short of p", rule: { primary_metric_delta_pct: 0.25 }, diff: metric(100, 110), matched: false },
  { name: "primary_metric_delta_pct: p 0 and no change", rule: { primary_metric_delta_pct: 0 }, diff: metric(5, 5), matched: false },
  { name: "primary_metric_delta_pct: p 0 and a change", rule: { primary_metric_delta_pct: 0 }, diff: metric(5, 6), matched: true },
  { name: "primary_metric_delta_pct: a change from 0", rule: { primary_metric_delta_pct: 5 }, diff: metric(0, 1), matched: true },
  { name: "primary_metric_delta_pct: 0 to 0", rule: { primary_metric_delta_pct: 0 }, diff: metric(0, 0), matched: false },
  { name: "primary_metric_delta_pct: no old metric", rule: { primary_metric_delta_pct: 0 }, diff: metric(null, 5), matched: false },
  { name: "primary_metric_delta_pct: no new metric", rule: { primary_metric_delta_pct: 0 }, diff: metric(5, null), matched: false },
];

describe("evaluateRule on leaves", () => {
  it.each(leafCases)("$name", checkLeaf);
});

describe("evaluateRule on operators", () => {
  const diff = diffWith({ id_set_added: ["a"], primary_metric: { from: 1, to: 1 } });
  const yes: Rule = { set_added_min: 1 };
  const no: Rule = { set_removed_min: 1 };

  it("mirrors the rule tree in the trace, evaluating every child", () => {
    const trace = evaluateRule({ and: [no, { not: no }, { or: [no, yes] }] }, diff);
    expect(trace).toEqual({
      node: "and",
      matched: false,
      children: [
        { node: "set_removed_min", matched: false, value: 0, threshold: 1 },
        { node: "not", matched: true, children: [{ node: "set_removed_min", matched: false, value: 0, threshold: 1 }] },
        {
          node: "or",
          matched: true,
          children: [
            { node: "set_removed_min", matched: false, value: 0, threshold: 1 },
            { node: "set_added_min", matched: true, value: 1, threshold: 1 },
          ],
        },
      ],
    });
  });

  const operatorCases: { name: string; rule: Rule; matched: boolean }[] = [
    { name: "and of matches", rule: { and: [yes, yes] }, matched: true },
    { name: "and with a miss", rule: { and: [yes, no] }, matched: false },
    { name: "or with a match", rule: { or: [no, yes] }, matched: true },
    { name: "or of misses", rule: { or: [no, no] }, matched: false },
    { name: "not of a miss", rule: { not: no }, matched: true },
    { name: "not of a match", rule: { not: yes }, matched: false },
  ];
  it.each(operatorCases)("$name", ({ rule, matched }) => {
    expect(evaluateRule(rule, diff).matched).toBe(matched);
    expect(meetsThreshold(diff, rule)).toBe(matched);
  });

  it("judges a computed diff", () => {
    const settings = { idField: "id", rankBy: "score", topN: 3, primaryMetricField: "score" };
    const full = computeDiff(
      { rows: [{ id: 1, score: 10 }, { id: 2, score: 5 }, { id: 3, score: 1 }], primaryMetric: null },
      { rows: [{ id: 1, score: 4 }, { id: 2, score: 5 }, { id: 4, score: 0 }], primaryMetric: null },
      settings,
    );
    const rule: Rule = {
      and: [{ top_n_reordering: 1 }, { value_delta_pct: 0.6, on_field: "score" }, { set_added_min: 1 }, { set_removed_min: 1 }],
    };
    expect(evaluateRule(rule, full).matched).toBe(true);
    expect(meetsThreshold(full, { primary_metric_delta_pct: 0.45 })).toBe(false);
    expect(meetsThreshold(full, { primary_metric_delta_pct: 0.43 })).toBe(true);
  });
});

describe("topNReorderingMax", () => {
  const cases: { name: string; rule: Rule; max: number }[] = [
    { name: "0 without a top_n_reordering leaf", rule: { and: [{ set_added_min: 1 }, { not: { set_removed_min: 2 } }] }, max: 0 },
    { name: "a lone leaf's N", rule: { top_n_reordering: 4 }, max: 4 },
    {
      name: "the largest N anywhere in the tree",
      rule: { or: [{ top_n_reordering: 3 }, { and: [{ not: { top_n_reordering: 7 } }, { top_n_reordering: 5 }] }] },
      max: 7,
    },
  ];
  it.each(cases)("$name", ({ rule, max }) => expect(topNReorderingMax(rule)).toBe(max));
});
