import { describe, expect, it } from "vitest";
import { computeDiff } from "../../src/core/diff.js";
import { evaluateRule } from "../../src/core/rules.js";
import type { FullDiff, Row, Rule } from "../../src/core/types.js";
import { diffWith } from "./full-diff.js";
import { checkLeaf, type LeafCase } from "./leaf-case.js";

const ranks = (from: (string | number)[], to: (string | number)[]) => diffWith({ top_ids: { from, to } });
// b enters the top 2 (from rank 3), c falls from 2 to 5, d enters at 4 from nowhere, e left the snapshot.
const moves = ranks(["a", "c", "b", "e", "f"], ["a", "b", "f", "d", "c"]);

describe("enters_top_n and leaves_top_n", () => {
  it.each<LeafCase>([
    { name: "enters: an id new to the first N", rule: { enters_top_n: 2 }, diff: moves, matched: true, trace: { value: 1, threshold: 2, detail: { entered: ["b"] } } },
    { name: "enters: N 1, the leader stayed", rule: { enters_top_n: 1 }, diff: moves, matched: false, trace: { value: 0, threshold: 1, detail: { entered: [] } } },
    { name: "enters: within 5, f, b and c were all there before; d is new", rule: { enters_top_n: 5 }, diff: moves, matched: true, trace: { value: 1, threshold: 5, detail: { entered: ["d"] } } },
    { name: "enters with ids: a watched id entered", rule: { enters_top_n: 4, ids: ["d", "zz"] }, diff: moves, matched: true, trace: { value: 1, threshold: 4, detail: { entered: ["d"] } } },
    { name: "enters with ids: only unwatched ids entered", rule: { enters_top_n: 4, ids: ["a", "c"] }, diff: moves, matched: false },
    { name: "enters with ids absent from both snapshots", rule: { enters_top_n: 5, ids: ["ghost", 7] }, diff: moves, matched: false },
    { name: "leaves: c left the top 2", rule: { leaves_top_n: 2 }, diff: moves, matched: true, trace: { value: 1, threshold: 2, detail: { left: ["c"] } } },
    { name: "leaves: e left the snapshot, within 4", rule: { leaves_top_n: 4 }, diff: moves, matched: true, trace: { value: 2, threshold: 4, detail: { left: ["c", "e"] } } },
    { name: "leaves with ids: the watched id stayed", rule: { leaves_top_n: 2, ids: ["a"] }, diff: moves, matched: false },
    { name: "leaves: ids keep their JSON type", rule: { leaves_top_n: 1, ids: ["1"] }, diff: ranks([1, 2], [2, 1]), matched: false },
    { name: "leaves: the number id", rule: { leaves_top_n: 1, ids: [1] }, diff: ranks([1, 2], [2, 1]), matched: true },
    { name: "enters: a first table filling up", rule: { enters_top_n: 3 }, diff: ranks([], ["x", "y"]), matched: true, trace: { value: 2, threshold: 3, detail: { entered: ["x", "y"] } } },
  ])("$name", checkLeaf);
});

describe("rank_moved_min", () => {
  it.each<LeafCase>([
    { name: "c moved 3 ranks (2 → 5) within 5", rule: { rank_moved_min: 3, within_top_n: 5 }, diff: moves, matched: true, trace: { value: 3, threshold: 3, detail: { within_top_n: 5, largest: { id: "c", from_rank: 2, to_rank: 5 } } } },
    { name: "nothing moved 4 within 5 (an absent id counts as 6)", rule: { rank_moved_min: 4, within_top_n: 5 }, diff: moves, matched: false, trace: { value: 3, threshold: 4, detail: { within_top_n: 5, largest: { id: "c", from_rank: 2, to_rank: 5 } } } },
    { name: "within 2: c fell out, counted at rank 3, one move", rule: { rank_moved_min: 2, within_top_n: 2 }, diff: moves, matched: false, trace: { value: 1, threshold: 2, detail: { within_top_n: 2, largest: { id: "b", from_rank: null, to_rank: 2 } } } },
    { name: "within 2: one rank is enough", rule: { rank_moved_min: 1, within_top_n: 2 }, diff: moves, matched: true },
    { name: "nothing moved", rule: { rank_moved_min: 1, within_top_n: 3 }, diff: ranks(["a", "b", "c"], ["a", "b", "c"]), matched: false, trace: { value: 0, threshold: 1, detail: { within_top_n: 3, largest: { id: "a", from_rank: 1, to_rank: 1 } } } },
    { name: "an empty window on both sides", rule: { rank_moved_min: 1, within_top_n: 3 }, diff: ranks([], []), matched: false, trace: { value: null, threshold: 1, detail: { within_top_n: 3, largest: null } } },
    { name: "an id that left the snapshot from rank 1 of 3 moved 3", rule: { rank_moved_min: 3, within_top_n: 3 }, diff: ranks(["a", "b"], ["b"]), matched: true, trace: { value: 3, threshold: 3, detail: { within_top_n: 3, largest: { id: "a", from_rank: 1, to_rank: null } } } },
  ])("$name", checkLeaf);
});

describe("top_n_reordering's trace", () => {
  it.each<LeafCase>([
    { name: "the first rank that differs", rule: { top_n_reordering: 5 }, diff: moves, matched: true, trace: { value: 2, threshold: 5, detail: { from: ["a", "c", "b", "e", "f"], to: ["a", "b", "f", "d", "c"] } } },
    { name: "an exit from a short table differs at the rank it left", rule: { top_n_reordering: 3 }, diff: ranks(["a", "b"], ["a"]), matched: true, trace: { value: 2, threshold: 3, detail: { from: ["a", "b"], to: ["a"] } } },
    { name: "no difference", rule: { top_n_reordering: 1 }, diff: moves, matched: false, trace: { value: null, threshold: 1, detail: { from: ["a"], to: ["a"] } } },
  ])("$name", checkLeaf);
});

const level = (values: unknown[]): FullDiff => diffWith({ rows: values.map((score, k): Row => ({ id: `r${k}`, score })) });
// Ranks r0..r6: 150, 100, 99.5, "200" (a string), NaN-like null, -5, 100.
const rows = level([150, 100, 99.5, "200", null, -5, 100]);

describe("field_compare", () => {
  const fc = (op: "gt" | "gte" | "lt" | "lte" | "eq" | "neq", value: number, more: { ids?: (string | number)[]; min_rows?: number } = {}): Rule => ({
    field_compare: { field: "score", op, value, ...more },
  });
  it.each<LeafCase>([
    { name: "gt 100: one row above (the string \"200\" never counts)", rule: fc("gt", 100), diff: rows, matched: true, trace: { value: 1, threshold: 100, detail: { field: "score", op: "gt", min_rows: 1, matching: ["r0"] } } },
    { name: "gt 150: nothing strictly above", rule: fc("gt", 150), diff: rows, matched: false, trace: { value: 0, threshold: 150, detail: { field: "score", op: "gt", min_rows: 1, matching: [] } } },
    { name: "gte 150: the boundary counts", rule: fc("gte", 150), diff: rows, matched: true },
    { name: "gte 100 with min_rows 3: exactly 3", rule: fc("gte", 100, { min_rows: 3 }), diff: rows, matched: true, trace: { value: 3, threshold: 100, detail: { field: "score", op: "gte", min_rows: 3, matching: ["r0", "r1", "r6"] } } },
    { name: "gte 100 with min_rows 4: one short", rule: fc("gte", 100, { min_rows: 4 }), diff: rows, matched: false },
    { name: "lt 99.5: only -5", rule: fc("lt", 99.5), diff: rows, matched: true, trace: { value: 1, threshold: 99.5, detail: { field: "score", op: "lt", min_rows: 1, matching: ["r5"] } } },
    { name: "lte 99.5: and 99.5", rule: fc("lte", 99.5, { min_rows: 2 }), diff: rows, matched: true },
    { name: "lt -5: nothing below the lowest", rule: fc("lt", -5), diff: rows, matched: false },
    { name: "eq 100: two rows", rule: fc("eq", 100, { min_rows: 2 }), diff: rows, matched: true, trace: { value: 2, threshold: 100, detail: { field: "score", op: "eq", min_rows: 2, matching: ["r1", "r6"] } } },
    { name: "eq 200: a string is not a number", rule: fc("eq", 200), diff: rows, matched: false },
    { name: "neq 100: non-numbers never count", rule: fc("neq", 100), diff: rows, matched: true, trace: { value: 3, threshold: 100, detail: { field: "score", op: "neq", min_rows: 1, matching: ["r0", "r2", "r5"] } } },
    { name: "ids: only the watched rows", rule: fc("gte", 100, { ids: ["r6", "r2", "r3"] }), diff: rows, matched: true, trace: { value: 1, threshold: 100, detail: { field: "score", op: "gte", min_rows: 1, matching: ["r6"] } } },
    { name: "ids: a watched string value does not count", rule: fc("gt", 0, { ids: ["r3", "r4"] }), diff: rows, matched: false },
    { name: "ids absent from the snapshot", rule: fc("gt", -1e9, { ids: ["ghost", 0] }), diff: rows, matched: false, trace: { value: 0, threshold: -1e9, detail: { field: "score", op: "gt", min_rows: 1, matching: [] } } },
    { name: "ids repeated count once", rule: fc("gt", 100, { ids: ["r0", "r0"], min_rows: 2 }), diff: rows, matched: false },
    { name: "a field no row holds", rule: { field_compare: { field: "nope", op: "neq", value: 0 } }, diff: rows, matched: false },
    { name: "an empty snapshot", rule: fc("lte", 1e300), diff: level([]), matched: false },
  ])("$name", checkLeaf);

  it("names at most 10 matching rows in rank order; value is the full count", () => {
    const many = level(Array.from({ length: 40 }, (_, k) => 40 - k));
    const trace = evaluateRule(fc("gt", 5), many);
    expect(trace).toMatchObject({ matched: true, value: 35 });
    expect(trace.detail!.matching).toEqual(Array.from({ length: 10 }, (_, k) => `r${k}`));
  });

  it("judges the new snapshot of a computed diff, ranked, watching ids by JSON type", () => {
    const settings = { idField: "id", rankBy: "score", topN: 3, primaryMetricField: null };
    const full = computeDiff(
      { rows: [{ id: 1, score: 500 }], primaryMetric: null },
      { rows: [{ id: 1, score: 5 }, { id: "1", score: 50 }, { id: 2, score: 70 }], primaryMetric: null },
      settings,
    );
    expect(evaluateRule(fc("gt", 10), full)).toMatchObject({ matched: true, value: 2, detail: { matching: [2, "1"] } });
    expect(evaluateRule(fc("gt", 10, { ids: [1] }), full)).toMatchObject({ matched: false, value: 0 });
    expect(evaluateRule(fc("gt", 10, { ids: ["1"] }), full)).toMatchObject({ matched: true, value: 1 });
  });
});
