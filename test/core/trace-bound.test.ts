import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeDiff } from "../../src/core/diff.js";
import { evaluateRule, validateRule } from "../../src/core/rules.js";
import { boundTrace, boundTraceLists, TRACE_LIST_ITEMS, TRACE_MAX_BYTES, utf8Bytes } from "../../src/core/trace-bound.js";
import type { Rule, SnapshotData, TraceNode } from "../../src/core/types.js";

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), "utf8");
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Every node name and child count down the kept tree, as a list of paths, to compare trees by shape. */
function paths(t: TraceNode, at = ""): string[] {
  const here = `${at}/${t.node}`;
  return [here, ...(t.children ?? []).flatMap((c, k) => paths(c, `${here}[${k}]`))];
}

/** 1 000 ranked rows, then the same rows in the reverse order: every top-N of the leaderboard changed. */
function reversedLeaderboard(idOf: (i: number) => string): { a: SnapshotData; b: SnapshotData } {
  const ids = range(1000).map(idOf);
  return {
    a: { rows: ids.map((id, i) => ({ id, score: 1000 - i })), primaryMetric: null },
    b: { rows: ids.map((id, i) => ({ id, score: i })), primaryMetric: null },
  };
}
const settings = { idField: "id", rankBy: "score", topN: 1000, primaryMetricField: null };
const hostileRule = { or: range(255).map(() => ({ top_n_reordering: 1000 })) };

describe("lists inside a trace detail", () => {
  it.each([
    { name: "a list of 10 is kept whole", value: { from: range(10) }, want: { from: range(10) } },
    { name: "a list of 11 keeps 10 and its count", value: { from: range(11) }, want: { from: range(10), from_count: 11 } },
    { name: "nested members are bounded too", value: { largest: { ids: range(30) } }, want: { largest: { ids: range(10), ids_count: 30 } } },
    { name: "a list inside a list becomes items and count", value: { x: [range(12)] }, want: { x: [{ items: range(10), count: 12 }] } },
    { name: "a member named like the count keeps the list's count out", value: { a: range(11), a_count: "mine" }, want: { a: { items: range(10), count: 11 }, a_count: "mine" } },
    { name: "scalars and short lists are untouched", value: { n: 3, on_field: "score", to: ["a", "b"] }, want: { n: 3, on_field: "score", to: ["a", "b"] } },
  ])("$name", ({ value, want }) => {
    const trace: TraceNode = { node: "or", matched: true, children: [{ node: "top_n_reordering", matched: true, value: 1, threshold: 3, detail: value }] };
    expect(boundTraceLists(trace)).toEqual({ node: "or", matched: true, children: [{ node: "top_n_reordering", matched: true, value: 1, threshold: 3, detail: want }] });
  });

  it("never cuts children: they mirror the rule tree", () => {
    const wide: TraceNode = { node: "and", matched: false, children: range(40).map(() => ({ node: "set_added_min", matched: false, value: 0, threshold: 1 })) };
    expect(boundTraceLists(wide).children).toHaveLength(40);
  });
});

describe("the byte bound of a trace", () => {
  it("counts UTF-8 bytes as Buffer does", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })), (v) => {
        expect(utf8Bytes(JSON.stringify(v))).toBe(bytes(v));
      }),
    );
  });

  it("keeps the 255-leaf top_n 1000 rule's trace (6.65 MB before) within the bound, mirroring the tree", () => {
    const rule = validateRule(hostileRule, 1000);
    if (!rule.ok) throw new Error("the rule is valid");
    const { a, b } = reversedLeaderboard((i) => `row-${i}`);
    const trace = evaluateRule(rule.rule, computeDiff(a, b, settings));
    expect(bytes(trace)).toBeLessThanOrEqual(TRACE_MAX_BYTES);
    expect(trace).toMatchObject({ node: "or", matched: true, truncated: true });
    expect(trace.children).toHaveLength(255);
    expect(trace.children!.every((c) => c.node === "top_n_reordering" && c.matched)).toBe(true);
    const valued = trace.children!.filter((c) => c.value !== undefined);
    expect(valued.length).toBeGreaterThan(0);
    // Numbers go before details: 255 leaves' value and threshold already fill what the bare nodes leave.
    expect(valued[0]).toBe(trace.children![0]);
    expect(valued.every((c) => c.value === 1 && c.threshold === 1000)).toBe(true);
  });

  it("keeps details, lists bounded, where they fit after every value and threshold", () => {
    const { a, b } = reversedLeaderboard((i) => `row-${i}`);
    const trace = evaluateRule({ or: range(100).map(() => ({ top_n_reordering: 1000 })) }, computeDiff(a, b, settings));
    expect(bytes(trace)).toBeLessThanOrEqual(TRACE_MAX_BYTES);
    expect(trace.truncated).toBe(true);
    expect(trace.children!.every((c) => c.value === 1 && c.threshold === 1000)).toBe(true);
    const detailed = trace.children!.filter((c) => c.detail !== undefined);
    expect(detailed.length).toBeGreaterThan(10);
    expect(detailed.length).toBeLessThan(100);
    expect(detailed[0]).toBe(trace.children![0]);
    expect(detailed[0]!.detail).toEqual({ from: range(10).map((i) => `row-${i}`), to: range(10).map((i) => `row-${999 - i}`), from_count: 1000, to_count: 1000 });
  });

  it("holds with ids of 256 characters", () => {
    const { a, b } = reversedLeaderboard((i) => `${i}-`.padEnd(256, "é"));
    const trace = evaluateRule(hostileRule as Rule, computeDiff(a, b, settings));
    expect(bytes(trace)).toBeLessThanOrEqual(TRACE_MAX_BYTES);
    expect(trace.children).toHaveLength(255);
  });

  it("leaves a trace within the bound as it was, without truncated", () => {
    const small: TraceNode = { node: "not", matched: true, children: [{ node: "set_added_min", matched: false, value: 1, threshold: 2 }] };
    expect(boundTrace(small)).toEqual(small);
  });

  it("drops whole subtrees once even the bare nodes do not fit", () => {
    const deep: TraceNode = { node: "and", matched: true, children: range(600).map(() => ({ node: "primary_metric_delta_pct", matched: true, value: null, threshold: 0 })) };
    const cut = boundTrace(deep);
    expect(bytes(cut)).toBeLessThanOrEqual(TRACE_MAX_BYTES);
    expect(cut.truncated).toBe(true);
    expect(cut.children!.length).toBeGreaterThan(200);
    expect(cut.children!.length).toBeLessThan(600);
  });
});

const nodeArb: fc.Arbitrary<TraceNode> = fc.letrec<{ node: TraceNode }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    fc.record({
      node: fc.constantFrom("top_n_reordering", "value_delta_pct", "set_added_min"),
      matched: fc.boolean(),
      value: fc.option(fc.double({ noNaN: true }), { nil: null }),
      threshold: fc.nat(),
      detail: fc.oneof(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()),
        fc.record({ from: fc.array(fc.string({ maxLength: 300 }), { maxLength: 60 }), n: fc.nat() }),
      ),
    }, { requiredKeys: ["node", "matched"] }),
    fc.record({ node: fc.constantFrom("and", "or"), matched: fc.boolean(), children: fc.array(tie("node"), { minLength: 1, maxLength: 40 }) }),
  ),
})).node;

describe("trace bound properties", () => {
  it("any trace fits the bound, keeps its root's answer and a prefix of its tree", () => {
    fc.assert(
      fc.property(nodeArb, fc.integer({ min: 200, max: 20_000 }), (trace, max) => {
        const cut = boundTrace(trace, max);
        expect(bytes(cut)).toBeLessThanOrEqual(max);
        expect(cut.matched).toBe(trace.matched);
        const full = new Set(paths(trace));
        expect(paths(cut).every((p) => full.has(p))).toBe(true);
        const listed = boundTraceLists(trace);
        if (bytes(listed) <= max) expect(cut).toEqual(listed);
        else expect(cut.truncated).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("no list inside any kept detail holds more than the bound", () => {
    const longest = (v: unknown): number =>
      Array.isArray(v) ? Math.max(v.length, ...v.map(longest)) : typeof v === "object" && v !== null ? Math.max(0, ...Object.values(v).map(longest)) : 0;
    const values = (t: TraceNode): unknown[] => [t.detail, ...(t.children ?? []).flatMap(values)];
    fc.assert(
      fc.property(nodeArb, (trace) => {
        expect(Math.max(0, ...values(boundTrace(trace)).map(longest))).toBeLessThanOrEqual(TRACE_LIST_ITEMS);
      }),
      { numRuns: 200 },
    );
  });
});
