import { describe, expect, it } from "vitest";
import { baselineSnapshotId, MAX_BASELINE_OFFSET_MS, validateBaseline, type Baseline } from "../../src/core/baseline.js";
import { MAX_RULE_IDS } from "../../src/core/rule-checks.js";
import { topNReorderingMax, validateRule } from "../../src/core/rules.js";
import type { Rule } from "../../src/core/types.js";

const TOP_N = 10;
const ids = (n: number) => Array.from({ length: n }, (_, k) => (k % 2 ? k : `id-${k}`));

describe("validateRule accepts the version 2 leaves and members", () => {
  it.each<{ name: string; json: Rule }>([
    { name: "value_delta_pct with direction and ids", json: { value_delta_pct: 0.1, on_field: "v", direction: "down", ids: ["a", 1, ""] } },
    { name: "value_delta_pct with 1000 ids", json: { value_delta_pct: 0, on_field: "v", ids: ids(MAX_RULE_IDS) } },
    { name: "an id of 256 characters (code points)", json: { value_delta_pct: 0, on_field: "v", ids: ["é".repeat(255) + "😀"] } },
    { name: "primary_metric_delta_pct up", json: { primary_metric_delta_pct: 0, direction: "up" } },
    { name: "row_count_delta_pct any", json: { row_count_delta_pct: 2.5, direction: "any" } },
    { name: "row_count_delta_pct without direction", json: { row_count_delta_pct: 0 } },
    { name: "field_compare with every member", json: { field_compare: { field: "score", op: "neq", value: -1.5, ids: [3], min_rows: 2 } } },
    { name: "field_compare minimal", json: { field_compare: { field: "score", op: "eq", value: 0 } } },
    { name: "enters_top_n from 1 to top_n, with ids", json: { and: [{ enters_top_n: 1 }, { enters_top_n: TOP_N, ids: ["x"] }] } },
    { name: "leaves_top_n", json: { leaves_top_n: TOP_N } },
    { name: "rank_moved_min", json: { rank_moved_min: 1, within_top_n: TOP_N } },
    { name: "a large rank_moved_min (never matches, still valid)", json: { rank_moved_min: 50, within_top_n: 3 } },
  ])("$name", ({ json }) => {
    expect(validateRule(json, TOP_N)).toEqual({ ok: true, rule: json });
  });

  it("keeps no member that was not given", () => {
    const result = validateRule({ field_compare: { field: "f", op: "gt", value: 1 } }, TOP_N);
    expect(result.ok && Object.keys((result.rule as { field_compare: object }).field_compare)).toEqual(["field", "op", "value"]);
  });
});

describe("validateRule refuses bad version 2 members at their pointers", () => {
  it.each<{ name: string; json: unknown; pointers: string[] }>([
    { name: "a bad direction", json: { value_delta_pct: 0, on_field: "v", direction: "sideways" }, pointers: ["/threshold_json/direction"] },
    { name: "a null direction", json: { row_count_delta_pct: 0, direction: null }, pointers: ["/threshold_json/direction"] },
    { name: "direction on a leaf without one", json: { set_added_min: 1, direction: "up" }, pointers: ["/threshold_json/direction"] },
    { name: "ids on a leaf without them", json: { primary_metric_delta_pct: 0, ids: [1] }, pointers: ["/threshold_json/ids"] },
    { name: "empty ids", json: { value_delta_pct: 0, on_field: "v", ids: [] }, pointers: ["/threshold_json/ids"] },
    { name: "1001 ids", json: { enters_top_n: 1, ids: ids(MAX_RULE_IDS + 1) }, pointers: ["/threshold_json/ids"] },
    { name: "ids not an array", json: { leaves_top_n: 1, ids: "a" }, pointers: ["/threshold_json/ids"] },
    {
      name: "bad ids, each at its index",
      json: { value_delta_pct: 0, on_field: "v", ids: ["ok", null, 2, { id: 1 }, "x".repeat(257), true, Number.POSITIVE_INFINITY] },
      pointers: [1, 3, 4, 5, 6].map((k) => `/threshold_json/ids/${k}`),
    },
    { name: "a negative row_count_delta_pct", json: { row_count_delta_pct: -0.1 }, pointers: ["/threshold_json/row_count_delta_pct"] },
    { name: "row_count_delta_pct 1e400", json: { row_count_delta_pct: Number.POSITIVE_INFINITY }, pointers: ["/threshold_json/row_count_delta_pct"] },
    { name: "field_compare not an object", json: { field_compare: [1] }, pointers: ["/threshold_json/field_compare"] },
    {
      name: "field_compare with every member bad, nested in and",
      json: { and: [{ set_added_min: 1 }, { field_compare: { field: "", op: ">", value: "3", ids: [], min_rows: 0, extra: 1 } }] },
      pointers: ["extra", "field", "op", "value", "ids", "min_rows"].map((m) => `/threshold_json/and/1/field_compare/${m}`),
    },
    { name: "field_compare missing members", json: { field_compare: {} }, pointers: ["field", "op", "value"].map((m) => `/threshold_json/field_compare/${m}`) },
    { name: "field_compare min_rows 1.5", json: { field_compare: { field: "f", op: "gt", value: 0, min_rows: 1.5 } }, pointers: ["/threshold_json/field_compare/min_rows"] },
    { name: "field_compare value 1e400", json: { field_compare: { field: "f", op: "lt", value: Number.NEGATIVE_INFINITY } }, pointers: ["/threshold_json/field_compare/value"] },
    { name: "field_compare bad id", json: { field_compare: { field: "f", op: "lt", value: 0, ids: [[]] } }, pointers: ["/threshold_json/field_compare/ids/0"] },
    { name: "field_compare beside its members at the top", json: { field_compare: { field: "f", op: "lt", value: 0 }, field: "f" }, pointers: ["/threshold_json/field"] },
    { name: "enters_top_n 0", json: { enters_top_n: 0 }, pointers: ["/threshold_json/enters_top_n"] },
    { name: "enters_top_n above top_n", json: { not: { enters_top_n: TOP_N + 1 } }, pointers: ["/threshold_json/not/enters_top_n"] },
    { name: "leaves_top_n 2.5", json: { leaves_top_n: 2.5 }, pointers: ["/threshold_json/leaves_top_n"] },
    { name: "rank_moved_min 0 and within_top_n missing", json: { rank_moved_min: 0 }, pointers: ["/threshold_json/rank_moved_min", "/threshold_json/within_top_n"] },
    { name: "within_top_n above top_n", json: { rank_moved_min: 1, within_top_n: TOP_N + 1 }, pointers: ["/threshold_json/within_top_n"] },
    { name: "within_top_n beside another leaf", json: { enters_top_n: 1, within_top_n: 2 }, pointers: ["/threshold_json/within_top_n"] },
    { name: "two new leaf keys", json: { enters_top_n: 1, leaves_top_n: 1 }, pointers: ["/threshold_json"] },
  ])("$name", ({ json, pointers }) => {
    const result = validateRule(json, TOP_N);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.pointer)).toEqual(pointers);
  });

  it("counts new leaves toward the node limit", () => {
    const leaf = { field_compare: { field: "f", op: "gt", value: 0 } };
    expect(validateRule({ or: Array.from({ length: 255 }, () => leaf) }, TOP_N).ok).toBe(true);
    expect(validateRule({ or: Array.from({ length: 256 }, () => leaf) }, TOP_N)).toMatchObject({ ok: false, issues: [{ pointer: "/threshold_json" }] });
  });

  it("counts new leaves toward the depth limit", () => {
    const nest = (depth: number) => {
      let rule: unknown = { rank_moved_min: 1, within_top_n: 1 };
      for (let k = 1; k < depth; k++) rule = { not: rule };
      return rule;
    };
    expect(validateRule(nest(16), TOP_N).ok).toBe(true);
    expect(validateRule(nest(17), TOP_N)).toMatchObject({ ok: false, issues: [{ pointer: "/threshold_json" }] });
  });
});

describe("topNReorderingMax covers every rank window", () => {
  it.each<{ rule: Rule; max: number }>([
    { rule: { enters_top_n: 4 }, max: 4 },
    { rule: { not: { leaves_top_n: 6 } }, max: 6 },
    { rule: { or: [{ rank_moved_min: 9, within_top_n: 3 }, { top_n_reordering: 2 }] }, max: 3 },
    { rule: { and: [{ field_compare: { field: "f", op: "gt", value: 99 } }, { row_count_delta_pct: 5 }] }, max: 0 },
  ])("$max for $rule", ({ rule, max }) => expect(topNReorderingMax(rule)).toBe(max));
});

describe("validateBaseline", () => {
  it.each([
    { input: undefined, baseline: "previous" },
    { input: null, baseline: "previous" },
    { input: "previous", baseline: "previous" },
    { input: "last_notified", baseline: "last_notified" },
    { input: { at_offset_ms: 1 }, baseline: { at_offset_ms: 1 } },
    { input: { at_offset_ms: MAX_BASELINE_OFFSET_MS }, baseline: { at_offset_ms: MAX_BASELINE_OFFSET_MS } },
  ])("accepts $input", ({ input, baseline }) => {
    expect(validateBaseline(input, "/baseline")).toEqual({ ok: true, baseline });
  });

  it.each([
    { input: "yesterday", pointers: ["/baseline"] },
    { input: 3, pointers: ["/baseline"] },
    { input: ["previous"], pointers: ["/baseline"] },
    { input: {}, pointers: ["/baseline/at_offset_ms"] },
    { input: { at_offset_ms: 0 }, pointers: ["/baseline/at_offset_ms"] },
    { input: { at_offset_ms: MAX_BASELINE_OFFSET_MS + 1 }, pointers: ["/baseline/at_offset_ms"] },
    { input: { at_offset_ms: 1.5 }, pointers: ["/baseline/at_offset_ms"] },
    { input: { at_offset_ms: "1h" }, pointers: ["/baseline/at_offset_ms"] },
    { input: { at_offset_ms: 1000, unit: "ms" }, pointers: ["/baseline/unit"] },
  ])("refuses $input", ({ input, pointers }) => {
    const result = validateBaseline(input, "/baseline");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.pointer)).toEqual(pointers);
  });
});

describe("baselineSnapshotId", () => {
  const history = [
    { id: "s0", at: 1000 },
    { id: "s1", at: 2000 },
    { id: "s2", at: 3000 },
  ];
  const latestAtOrBefore = (ms: number) => history.filter((s) => s.at <= ms).at(-1)?.id ?? null;
  const ctx = { previousId: "s2", lastNotifiedId: null as string | null, takenAtMs: 3500, latestAtOrBefore };

  it.each<{ name: string; baseline: Baseline; last?: string; want: string | null }>([
    { name: "previous", baseline: "previous", want: "s2" },
    { name: "last_notified before any alert is the previous", baseline: "last_notified", want: "s2" },
    { name: "last_notified after an alert", baseline: "last_notified", last: "s0", want: "s0" },
    { name: "at_offset_ms landing exactly on a taken_at", baseline: { at_offset_ms: 1500 }, want: "s1" },
    { name: "at_offset_ms 1 ms past it", baseline: { at_offset_ms: 1501 }, want: "s0" },
    { name: "at_offset_ms older than the history", baseline: { at_offset_ms: 2501 }, want: null },
  ])("$name", ({ baseline, last, want }) => {
    expect(baselineSnapshotId(baseline, { ...ctx, lastNotifiedId: last ?? null })).toBe(want);
  });

  it("gives none on a first snapshot", () => {
    expect(baselineSnapshotId("previous", { ...ctx, previousId: null })).toBeNull();
    expect(baselineSnapshotId("last_notified", { ...ctx, previousId: null })).toBeNull();
  });
});
