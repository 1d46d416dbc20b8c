import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeDiff } from "../../src/core/diff.js";
import { rankRows } from "../../src/core/rank.js";
import { evaluateRule } from "../../src/core/rules.js";
import type { CompareOp, Direction, FullDiff, RankSettings, RowId, Rule } from "../../src/core/types.js";
import { compareOpArb, directionArb, settingsArb, snapshotPairArb, watchedIdsArb } from "./arbitraries.js";

const TOP_N = 8;
const pairArb = fc.tuple(snapshotPairArb, settingsArb).map(([{ a, b }, s]) => {
  const settings: RankSettings = { ...s, topN: TOP_N };
  return { a, b, settings, forward: computeDiff(a, b, settings), backward: computeDiff(b, a, settings) };
});
const meets = (diff: FullDiff, rule: Rule) => evaluateRule(rule, diff).matched;
const nArb = fc.integer({ min: 1, max: TOP_N });
const OPS: Record<CompareOp, (v: number, x: number) => boolean> = {
  gt: (v, x) => v > x,
  gte: (v, x) => v >= x,
  lt: (v, x) => v < x,
  lte: (v, x) => v <= x,
  eq: (v, x) => v === x,
  neq: (v, x) => v !== x,
};

/** Each change leaf with a direction (and a threshold p), so one property covers all of them. */
const directed: { name: string; leaf: (d: Direction, p?: number) => Rule }[] = [
  { name: "value_delta_pct", leaf: (direction, p = 0.1) => ({ value_delta_pct: p, on_field: "x", direction }) },
  { name: "value_delta_pct with ids", leaf: (direction, p = 0) => ({ value_delta_pct: p, on_field: "score", direction, ids: [1, 2, "a", "b"] }) },
  { name: "primary_metric_delta_pct", leaf: (direction, p = 0.2) => ({ primary_metric_delta_pct: p, direction }) },
  { name: "row_count_delta_pct", leaf: (direction, p = 0.1) => ({ row_count_delta_pct: p, direction }) },
];

describe("version 2 leaf properties", () => {
  it.each(directed)("$name: any matches exactly when up or down does, and up and down never both", ({ leaf }) => {
    fc.assert(
      fc.property(pairArb, ({ forward }) => {
        const up = meets(forward, leaf("up"));
        const down = meets(forward, leaf("down"));
        expect(meets(forward, leaf("any"))).toBe(up || down);
        if (!("value_delta_pct" in leaf("any"))) expect(up && down).toBe(false);
      }),
    );
  });

  it.each(directed)("$name: up forward is down backward", ({ leaf }) => {
    fc.assert(
      fc.property(pairArb, ({ forward, backward }) => {
        // A change's size is relative to its old side, so only a p of 0 is symmetric.
        expect(meets(forward, leaf("up", 0))).toBe(meets(backward, leaf("down", 0)));
      }),
    );
  });

  it("value_delta_pct: watching ids only ever removes matches, and watching every id removes none", () => {
    fc.assert(
      fc.property(pairArb, directionArb, watchedIdsArb, ({ a, b, forward }, direction, ids) => {
        const base: Rule = { value_delta_pct: 0.1, on_field: "x", direction };
        if (meets(forward, { ...base, ids })) expect(meets(forward, base)).toBe(true);
        const every = [...a.rows, ...b.rows].map((row) => row.id as RowId);
        if (every.length > 0) expect(meets(forward, { ...base, ids: every })).toBe(meets(forward, base));
      }),
    );
  });

  it("field_compare counts what a naive scan of the new rows counts", () => {
    fc.assert(
      fc.property(pairArb, compareOpArb, fc.integer({ min: -5, max: 5 }), fc.option(watchedIdsArb, { nil: undefined }), ({ b, settings, forward }, op, x, ids) => {
        const kept = rankRows(b.rows, settings).rows;
        const watched = ids && new Set(ids);
        const naive = kept.filter((row) => {
          const v = row.x;
          return (!watched || watched.has(row.id as RowId)) && typeof v === "number" && Number.isFinite(v) && OPS[op](v, x);
        }).length;
        const rule: Rule = { field_compare: { field: "x", op, value: x, ...(ids ? { ids } : {}) } };
        const trace = evaluateRule(rule, forward);
        expect(trace.value).toBe(naive);
        expect(trace.matched).toBe(naive >= 1);
        expect(meets(forward, { field_compare: { field: "x", op, value: x, min_rows: naive + 1, ...(ids ? { ids } : {}) } })).toBe(false);
      }),
    );
  });

  it("enters_top_n forward is leaves_top_n backward", () => {
    fc.assert(
      fc.property(pairArb, nArb, fc.option(watchedIdsArb, { nil: undefined }), ({ forward, backward }, n, ids) => {
        const enters = evaluateRule({ enters_top_n: n, ...(ids ? { ids } : {}) }, forward);
        const leaves = evaluateRule({ leaves_top_n: n, ...(ids ? { ids } : {}) }, backward);
        expect(enters.matched).toBe(leaves.matched);
        expect(enters.value).toBe(leaves.value);
      }),
    );
  });

  it("enters_top_n without ids matches when some id of the new first N was not in the old first N", () => {
    fc.assert(
      fc.property(pairArb, nArb, ({ forward }, n) => {
        const from = new Set(forward.top_ids.from.slice(0, n));
        const to = forward.top_ids.to.slice(0, n);
        expect(meets(forward, { enters_top_n: n })).toBe(to.some((id) => !from.has(id)));
      }),
    );
  });

  it("rank_moved_min: the largest move as a naive scan finds it, the same both ways", () => {
    fc.assert(
      fc.property(pairArb, nArb, fc.integer({ min: 1, max: TOP_N + 1 }), ({ forward, backward }, n, k) => {
        const rankIn = (ids: RowId[], id: RowId) => {
          const r = ids.slice(0, n).indexOf(id);
          return r === -1 ? n + 1 : r + 1;
        };
        const window = [...new Set([...forward.top_ids.from.slice(0, n), ...forward.top_ids.to.slice(0, n)])];
        const moves = window.map((id) => Math.abs(rankIn(forward.top_ids.from, id) - rankIn(forward.top_ids.to, id)));
        const largest = moves.length === 0 ? null : Math.max(...moves);
        const trace = evaluateRule({ rank_moved_min: k, within_top_n: n }, forward);
        expect(trace.value).toBe(largest);
        expect(trace.matched).toBe(largest !== null && largest >= k);
        expect(evaluateRule({ rank_moved_min: k, within_top_n: n }, backward).value).toBe(largest);
      }),
    );
  });

  it("row_count_delta_pct's value is the kept rows' relative change", () => {
    fc.assert(
      fc.property(pairArb, ({ a, b, settings, forward }) => {
        const from = rankRows(a.rows, settings).ids.length;
        const to = rankRows(b.rows, settings).ids.length;
        const want = from === 0 ? (to === 0 ? 0 : null) : (to - from) / from;
        expect(evaluateRule({ row_count_delta_pct: 0 }, forward).value).toBe(want);
      }),
    );
  });
});
