import { describe, expect, it } from "vitest";
import { capDiff, computeDiff } from "../../src/core/diff.js";
import type { FullDiff, RankSettings, Row, SnapshotData } from "../../src/core/types.js";

const settings: RankSettings = { idField: "id", rankBy: null, topN: 3, primaryMetricField: null };

function snap(rows: Row[], primaryMetric: number | null = null): SnapshotData {
  return { rows, primaryMetric };
}

const ids = (...list: (string | number)[]) => list.map((id) => ({ id }));

interface DiffCase {
  name: string;
  a: SnapshotData;
  b: SnapshotData;
  settings?: Partial<RankSettings>;
  expected: Partial<FullDiff>;
}

const cases: DiffCase[] = [
  {
    name: "finds nothing between a snapshot and itself",
    a: snap([{ id: "a", v: 1 }, { id: "b", v: 2 }], 5),
    b: snap([{ id: "a", v: 1 }, { id: "b", v: 2 }], 5),
    expected: {
      top_n_changes: [],
      row_value_deltas: [],
      id_set_added: [],
      id_set_removed: [],
      primary_metric_delta_pct: 0,
      counts: { top_n_changes: 0, row_value_deltas: 0, id_set_added: 0, id_set_removed: 0 },
    },
  },
  {
    name: "measures delta_pct against |from|, null from 0",
    a: snap([{ id: "up", v: 10 }, { id: "neg", v: -10 }, { id: "zero", v: 0 }, { id: "down", v: 4 }]),
    b: snap([{ id: "up", v: 12 }, { id: "neg", v: -5 }, { id: "zero", v: 3 }, { id: "down", v: 1 }]),
    expected: {
      row_value_deltas: [
        { id: "up", field: "v", from: 10, to: 12, delta: 2, delta_pct: 0.2 },
        { id: "neg", field: "v", from: -10, to: -5, delta: 5, delta_pct: 0.5 },
        { id: "zero", field: "v", from: 0, to: 3, delta: 3, delta_pct: null },
        { id: "down", field: "v", from: 4, to: 1, delta: -3, delta_pct: -0.75 },
      ],
    },
  },
  {
    name: "compares only fields with a finite number on both sides, never the id field",
    a: snap([{ id: 1, n: 1, s: "1", b: true, gone: 4, arrived: null, nul: null, same: 2, z: 0 }]),
    b: snap([{ id: 1, n: 2, s: "2", b: false, arrived: 9, nul: 3, same: 2, z: -0 }]),
    settings: { idField: "id" },
    expected: { row_value_deltas: [{ id: 1, field: "n", from: 1, to: 2, delta: 1, delta_pct: 1 }] },
  },
  {
    name: "skips a numeric id_field but compares a field named id when it is not the id field",
    a: snap([{ key: "k", id: 1, rank: 5 }]),
    b: snap([{ key: "k", id: 2, rank: 5 }]),
    settings: { idField: "key" },
    expected: { row_value_deltas: [{ id: "k", field: "id", from: 1, to: 2, delta: 1, delta_pct: 1 }] },
  },
  {
    name: "lists rank moves within top N with full ranks, ordered by to_rank then from_rank, nulls last",
    a: snap(ids("a", "b", "c", "d", "e", "f")),
    b: snap(ids("b", "new", "c", "a", "e", "f")),
    expected: {
      top_n_changes: [
        { id: "b", from_rank: 2, to_rank: 1 },
        { id: "new", from_rank: null, to_rank: 2 },
        { id: "a", from_rank: 1, to_rank: 4 },
      ],
      id_set_added: ["new"],
      id_set_removed: ["d"],
      top_ids: { from: ["a", "b", "c"], to: ["b", "new", "c"] },
    },
  },
  {
    name: "gives an id that left top N for a lower rank its rank there, and null when it left the snapshot",
    a: snap(ids("a", "b", "c", "d", "e")),
    b: snap(ids("d", "e", "b", "a")),
    expected: {
      top_n_changes: [
        { id: "d", from_rank: 4, to_rank: 1 },
        { id: "e", from_rank: 5, to_rank: 2 },
        { id: "b", from_rank: 2, to_rank: 3 },
        { id: "a", from_rank: 1, to_rank: 4 },
        { id: "c", from_rank: 3, to_rank: null },
      ],
    },
  },
  {
    name: "ignores rank moves that stay below top N",
    a: snap(ids("a", "b", "c", "d", "e")),
    b: snap(ids("a", "b", "c", "e", "d")),
    expected: { top_n_changes: [] },
  },
  {
    name: "ranks both sides by rank_by, ties by id",
    a: snap([{ id: "a", s: 1 }, { id: "b", s: 2 }, { id: "c", s: 3 }]),
    b: snap([{ id: "a", s: 3 }, { id: "b", s: 2 }, { id: "c", s: 3 }]),
    settings: { rankBy: "s" },
    expected: {
      top_n_changes: [
        { id: "a", from_rank: 3, to_rank: 1 },
        { id: "c", from_rank: 1, to_rank: 2 },
        { id: "b", from_rank: 2, to_rank: 3 },
      ],
      top_ids: { from: ["c", "b", "a"], to: ["a", "c", "b"] },
    },
  },
  {
    name: "lists added ids in the new rank order and removed ids in the old one",
    a: snap([{ id: "x", s: 1 }, { id: "r1", s: 5 }, { id: "r2", s: 9 }]),
    b: snap([{ id: "x", s: 1 }, { id: "n1", s: 2 }, { id: "n2", s: 8 }]),
    settings: { rankBy: "s" },
    expected: { id_set_added: ["n2", "n1"], id_set_removed: ["r2", "r1"] },
  },
  {
    name: "keeps ids' JSON type: 1 leaving and \"1\" arriving are two changes",
    a: snap([{ id: 1, v: 1 }]),
    b: snap([{ id: "1", v: 2 }]),
    expected: {
      row_value_deltas: [],
      id_set_added: ["1"],
      id_set_removed: [1],
      top_n_changes: [
        { id: "1", from_rank: null, to_rank: 1 },
        { id: 1, from_rank: 1, to_rank: null },
      ],
    },
  },
  {
    name: "prefers a snapshot's own primary_metric over the field sum",
    a: snap([{ id: "a", m: 100 }], 10),
    b: snap([{ id: "a", m: 100 }], 15),
    settings: { primaryMetricField: "m" },
    expected: { primary_metric_delta_pct: 0.5, primary_metric: { from: 10, to: 15 } },
  },
  {
    name: "sums primary_metric_field over rows, counting non-finite values as 0",
    a: snap([{ id: "a", m: 3 }, { id: "b", m: "9" }, { id: "c" }, { id: "d", m: 1 }]),
    b: snap([{ id: "a", m: 2 }, { id: "b", m: 4 }, { id: "c", m: null }]),
    settings: { primaryMetricField: "m" },
    expected: { primary_metric_delta_pct: 0.5, primary_metric: { from: 4, to: 6 } },
  },
  {
    name: "mixes a snapshot's own metric on one side with the field sum on the other",
    a: snap([{ id: "a", m: 8 }]),
    b: snap([{ id: "a", m: 8 }], 4),
    settings: { primaryMetricField: "m" },
    expected: { primary_metric_delta_pct: -0.5, primary_metric: { from: 8, to: 4 } },
  },
  {
    name: "has no primary metric delta when a side has none",
    a: snap([], 3),
    b: snap([], null),
    expected: { primary_metric_delta_pct: null, primary_metric: { from: 3, to: null } },
  },
  {
    name: "has no primary metric delta from 0, yet keeps both sides for rules",
    a: snap([], 0),
    b: snap([], 7),
    expected: { primary_metric_delta_pct: null, primary_metric: { from: 0, to: 7 } },
  },
  {
    name: "sees an empty snapshot with primary_metric_field set as metric 0",
    a: snap([]),
    b: snap([{ id: "a", m: 2 }]),
    settings: { primaryMetricField: "m" },
    expected: { primary_metric_delta_pct: null, primary_metric: { from: 0, to: 2 }, id_set_added: ["a"] },
  },
];

describe("computeDiff", () => {
  it.each(cases)("$name", ({ a, b, settings: overrides, expected }) => {
    expect(computeDiff(a, b, { ...settings, ...overrides })).toMatchObject(expected);
  });

  it("counts the full length of every list", () => {
    const a = snap(Array.from({ length: 150 }, (_, k) => ({ id: k, v: k })));
    const b = snap(Array.from({ length: 150 }, (_, k) => ({ id: k + 120, v: k })));
    const full = computeDiff(a, b, settings);
    expect(full.counts).toEqual({ top_n_changes: 6, row_value_deltas: 30, id_set_added: 120, id_set_removed: 120 });
    expect(full.id_set_added).toHaveLength(120);
  });

  it("does not change the snapshots it compares", () => {
    const a = snap([{ id: "b", s: 1 }, { id: "a", s: 2 }], 1);
    const b = snap([{ id: "a", s: 5 }, { id: "c", s: 0 }], 2);
    const copies = structuredClone([a, b]);
    computeDiff(a, b, { ...settings, rankBy: "s", primaryMetricField: "s" });
    expect([a, b]).toEqual(copies);
  });
});

describe("capDiff", () => {
  const many = (n: number, shift: number, v: (id: number) => number) =>
    Array.from({ length: n }, (_, k) => ({ id: k + shift, v: v(k + shift) }));

  it("returns exactly the six wire members", () => {
    const wire = capDiff(computeDiff(snap(ids("a")), snap(ids("b")), settings));
    expect(Object.keys(wire).sort()).toEqual(
      ["counts", "id_set_added", "id_set_removed", "primary_metric_delta_pct", "row_value_deltas", "top_n_changes"],
    );
  });

  it("cuts each list to 100 and keeps the full lengths in counts", () => {
    const full = computeDiff(snap(many(300, 0, (id) => id)), snap(many(300, 150, (id) => 3 * id + 1)), { ...settings, topN: 1000 });
    const wire = capDiff(full);
    expect(wire.counts).toEqual({ top_n_changes: 450, row_value_deltas: 150, id_set_added: 150, id_set_removed: 150 });
    expect([wire.top_n_changes, wire.row_value_deltas, wire.id_set_added, wire.id_set_removed].map((l) => l.length))
      .toEqual([100, 100, 100, 100]);
    expect(wire.id_set_added).toEqual(full.id_set_added.slice(0, 100));
    expect(wire.top_n_changes).toEqual(full.top_n_changes.slice(0, 100));
  });

  it("keeps the largest value deltas, changes from 0 first, ties by id then field", () => {
    const a = snap([
      { id: "t2", p: 10, q: 10 },
      { id: "small", p: 100 },
      { id: "t1", q: 10, p: 10 },
      { id: 9, p: 10 },
      { id: "zero", p: 0 },
      { id: "big", p: -1 },
    ]);
    const b = snap([
      { id: "t2", p: 15, q: 5 },
      { id: "small", p: 101 },
      { id: "t1", q: 15, p: 15 },
      { id: 9, p: 5 },
      { id: "zero", p: -2 },
      { id: "big", p: 9 },
    ]);
    const order = capDiff(computeDiff(a, b, settings), 7).row_value_deltas.map((d) => `${d.id}.${d.field}`);
    expect(order).toEqual(["zero.p", "big.p", "9.p", "t1.p", "t1.q", "t2.p", "t2.q"]);
    expect(capDiff(computeDiff(a, b, settings), 2).row_value_deltas.map((d) => d.id)).toEqual(["zero", "big"]);
  });
});
