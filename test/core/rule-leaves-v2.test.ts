import { describe, expect, it } from "vitest";
import { computeDiff } from "../../src/core/diff.js";
import { evaluateRule } from "../../src/core/rules.js";
import { delta, diffWith } from "./full-diff.js";
import { checkLeaf, type LeafCase } from "./leaf-case.js";

const deltas = diffWith({
  row_value_deltas: [delta("a", "v", 10, 13), delta("b", "v", 10, 6), delta(1, "v", 10, 11), delta("c", "w", 1, 100)],
});
const fromZero = diffWith({ row_value_deltas: [delta("up", "v", 0, 5), delta("down", "v", 0, -5), delta("x", "v", 10, 30)] });

describe("value_delta_pct with direction and ids", () => {
  it.each<LeafCase>([
    { name: "any: the largest |Δ| decides (a fall)", rule: { value_delta_pct: 0.4, on_field: "v" }, diff: deltas, matched: true, trace: { value: -0.4, threshold: 0.4, detail: { on_field: "v", direction: "any", largest: { id: "b", from: 10, to: 6, delta_pct: -0.4 } } } },
    { name: "up: only rises count, the largest rise reaches p", rule: { value_delta_pct: 0.3, on_field: "v", direction: "up" }, diff: deltas, matched: true, trace: { value: 0.3, threshold: 0.3, detail: { on_field: "v", direction: "up", largest: { id: "a", from: 10, to: 13, delta_pct: 0.3 } } } },
    { name: "up: just above the largest rise", rule: { value_delta_pct: 0.31, on_field: "v", direction: "up" }, diff: deltas, matched: false },
    { name: "down: the fall reaches p", rule: { value_delta_pct: 0.4, on_field: "v", direction: "down" }, diff: deltas, matched: true },
    { name: "down: just above the fall", rule: { value_delta_pct: 0.41, on_field: "v", direction: "down" }, diff: deltas, matched: false },
    { name: "down: no fall at all on a field that only rose", rule: { value_delta_pct: 0, on_field: "w", direction: "down" }, diff: deltas, matched: false, trace: { value: null, threshold: 0, detail: { on_field: "w", direction: "down", largest: null } } },
    { name: "ids: only the watched rows count", rule: { value_delta_pct: 0.35, on_field: "v", ids: ["a", 1] }, diff: deltas, matched: false, trace: { value: 0.3, threshold: 0.35, detail: { on_field: "v", direction: "any", largest: { id: "a", from: 10, to: 13, delta_pct: 0.3 } } } },
    { name: "ids keep their JSON type: \"1\" is not 1", rule: { value_delta_pct: 0.1, on_field: "v", ids: ["1"] }, diff: deltas, matched: false, trace: { value: null, threshold: 0.1, detail: { on_field: "v", direction: "any", largest: null } } },
    { name: "ids: the number id 1 counts", rule: { value_delta_pct: 0.1, on_field: "v", ids: [1] }, diff: deltas, matched: true },
    { name: "ids absent from both snapshots match nothing", rule: { value_delta_pct: 0, on_field: "v", ids: ["ghost", 404] }, diff: deltas, matched: false },
    { name: "ids and direction together", rule: { value_delta_pct: 0.05, on_field: "v", ids: ["a", "b"], direction: "down" }, diff: deltas, matched: true, trace: { value: -0.4, threshold: 0.05, detail: { on_field: "v", direction: "down", largest: { id: "b", from: 10, to: 6, delta_pct: -0.4 } } } },
    { name: "up: a change from 0 to a positive value is a rise of any size", rule: { value_delta_pct: 1000, on_field: "v", direction: "up" }, diff: fromZero, matched: true, trace: { value: null, threshold: 1000, detail: { on_field: "v", direction: "up", largest: { id: "up", from: 0, to: 5, delta_pct: null } } } },
    { name: "down: a change from 0 to a negative value is a fall of any size", rule: { value_delta_pct: 1000, on_field: "v", direction: "down" }, diff: fromZero, matched: true, trace: { value: null, threshold: 1000, detail: { on_field: "v", direction: "down", largest: { id: "down", from: 0, to: -5, delta_pct: null } } } },
    { name: "down with ids: the change from 0 upward does not count", rule: { value_delta_pct: 0, on_field: "v", direction: "down", ids: ["up", "x"] }, diff: fromZero, matched: false },
  ])("$name", checkLeaf);
});

const metric = (from: number | null, to: number | null) => diffWith({ primary_metric: { from, to }, primary_metric_delta_pct: from === null || to === null || from === 0 ? null : (to - from) / Math.abs(from) });

describe("primary_metric_delta_pct with direction", () => {
  it.each<LeafCase>([
    { name: "up: a rise reaching p", rule: { primary_metric_delta_pct: 0.5, direction: "up" }, diff: metric(10, 15), matched: true, trace: { value: 0.5, threshold: 0.5, detail: { from: 10, to: 15, direction: "up" } } },
    { name: "up: a rise just short", rule: { primary_metric_delta_pct: 0.51, direction: "up" }, diff: metric(10, 15), matched: false },
    { name: "up: a fall never", rule: { primary_metric_delta_pct: 0, direction: "up" }, diff: metric(10, 5), matched: false },
    { name: "down: a fall reaching p", rule: { primary_metric_delta_pct: 0.5, direction: "down" }, diff: metric(10, 5), matched: true },
    { name: "down: a rise never", rule: { primary_metric_delta_pct: 0, direction: "down" }, diff: metric(10, 15), matched: false },
    { name: "down: from 0 to negative", rule: { primary_metric_delta_pct: 9, direction: "down" }, diff: metric(0, -1), matched: true, trace: { value: null, threshold: 9, detail: { from: 0, to: -1, direction: "down" } } },
    { name: "up: from 0 to negative is not up", rule: { primary_metric_delta_pct: 0, direction: "up" }, diff: metric(0, -1), matched: false },
    { name: "any: no metric on one side never", rule: { primary_metric_delta_pct: 0, direction: "any" }, diff: metric(null, 3), matched: false },
  ])("$name", checkLeaf);
});

const counts = (from: number, to: number) => diffWith({ row_count: { from, to } });

describe("row_count_delta_pct", () => {
  it.each<LeafCase>([
    { name: "a growth reaching p", rule: { row_count_delta_pct: 0.5 }, diff: counts(10, 15), matched: true, trace: { value: 0.5, threshold: 0.5, detail: { from: 10, to: 15, direction: "any" } } },
    { name: "a growth just short of p", rule: { row_count_delta_pct: 0.51 }, diff: counts(10, 15), matched: false },
    { name: "a shrink reaching p (|Δ| counts)", rule: { row_count_delta_pct: 0.5 }, diff: counts(10, 5), matched: true, trace: { value: -0.5, threshold: 0.5, detail: { from: 10, to: 5, direction: "any" } } },
    { name: "up: a shrink never", rule: { row_count_delta_pct: 0, direction: "up" }, diff: counts(10, 5), matched: false },
    { name: "down: a growth never", rule: { row_count_delta_pct: 0, direction: "down" }, diff: counts(10, 15), matched: false },
    { name: "down: a shrink", rule: { row_count_delta_pct: 0.1, direction: "down" }, diff: counts(10, 9), matched: true },
    { name: "p 0 and no change in count", rule: { row_count_delta_pct: 0 }, diff: counts(7, 7), matched: false, trace: { value: 0, threshold: 0, detail: { from: 7, to: 7, direction: "any" } } },
    { name: "from 0 rows to some: a change from 0 matches any p", rule: { row_count_delta_pct: 1e9, direction: "up" }, diff: counts(0, 3), matched: true, trace: { value: null, threshold: 1e9, detail: { from: 0, to: 3, direction: "up" } } },
    { name: "from 0 rows to 0", rule: { row_count_delta_pct: 0 }, diff: counts(0, 0), matched: false },
    { name: "to 0 rows: a fall of 100 %", rule: { row_count_delta_pct: 1, direction: "down" }, diff: counts(4, 0), matched: true },
  ])("$name", checkLeaf);

  it("counts the rows a computed diff kept", () => {
    const settings = { idField: "id", rankBy: null, topN: 3, primaryMetricField: null };
    const full = computeDiff({ rows: [{ id: 1 }, { id: 2 }], primaryMetric: null }, { rows: [{ id: 1 }, { id: 2 }, { id: 3 }, { nope: 1 }], primaryMetric: null }, settings);
    expect(full.row_count).toEqual({ from: 2, to: 3 });
    expect(evaluateRule({ row_count_delta_pct: 0.5 }, full)).toMatchObject({ matched: true, value: 0.5 });
  });
});
