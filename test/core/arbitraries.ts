// fast-check generators shared by the core property tests.
import fc from "fast-check";
import type { CompareOp, Direction, RankSettings, Row, RowId, Rule, SnapshotData } from "../../src/core/types.js";

/** Few distinct ids, mixing types and lookalikes (1 and "1"), so snapshots overlap and collide often. */
export const rowIdArb: fc.Arbitrary<RowId> = fc.oneof(
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom("1", "2", "a", "b", "B", "é", "a/b", ""),
  fc.constantFrom(0.5, 1e21),
);

const fieldValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 2, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(null, "7", true, [], { x: 1 }) },
);

/** Rows with unique ids under `id`; numeric fields `x`, `y`, `score` that sometimes hold non-numbers. */
export const rowsArb: fc.Arbitrary<Row[]> = fc
  .uniqueArray(rowIdArb, { maxLength: 14 })
  .chain((ids) =>
    fc.tuple(...ids.map((id) =>
      fc.record(
        { x: fieldValueArb, y: fieldValueArb, score: fieldValueArb, label: fc.constantFrom("p", "q") },
        { requiredKeys: ["label"] },
      ).map((fields): Row => ({ id, ...fields })),
    )),
  );

export const snapshotArb: fc.Arbitrary<SnapshotData> = fc.record({
  rows: rowsArb,
  primaryMetric: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
});

export const settingsArb: fc.Arbitrary<RankSettings> = fc.record({
  idField: fc.constant("id"),
  rankBy: fc.constantFrom(null, "score", "x"),
  topN: fc.integer({ min: 1, max: 8 }),
  primaryMetricField: fc.constantFrom(null, "x", "missing"),
});

/** A snapshot and its successor that shares some rows (edited) and not others, so diffs are rarely empty. */
export const snapshotPairArb: fc.Arbitrary<{ a: SnapshotData; b: SnapshotData }> = fc
  .tuple(snapshotArb, snapshotArb, fc.array(fc.boolean(), { maxLength: 14 }))
  .map(([a, other, keep]) => {
    const kept = a.rows.filter((_, k) => keep[k] ?? true);
    const seen = new Set(kept.map((row) => row.id));
    const rows = [...kept.map((row, k) => (k % 2 ? { ...row, x: typeof row.x === "number" ? row.x + k : row.x } : row))];
    for (const row of other.rows) if (!seen.has(row.id)) rows.push(row);
    return { a, b: { rows, primaryMetric: other.primaryMetric } };
  });

/** Valid rules for a dashboard whose top_n is `topN`, nested within the contract's limits. */
export function ruleArb(topN: number): fc.Arbitrary<Rule> {
  const leaf: fc.Arbitrary<Rule> = fc.oneof(
    fc.integer({ min: 1, max: topN }).map((n) => ({ top_n_reordering: n })),
    fc
      .record({ p: fc.constantFrom(0, 0.1, 0.5, 1, 2.5), f: fc.constantFrom("x", "y", "score", "nope") })
      .map(({ p, f }) => ({ value_delta_pct: p, on_field: f })),
    fc.integer({ min: 1, max: 4 }).map((k) => ({ set_added_min: k })),
    fc.integer({ min: 1, max: 4 }).map((k) => ({ set_removed_min: k })),
    fc.constantFrom(0, 0.2, 1).map((p) => ({ primary_metric_delta_pct: p })),
    ...version2Leaves(topN),
  );
  const { rule } = fc.letrec<{ rule: Rule }>((tie) => ({
    rule: fc.oneof(
      { maxDepth: 5, depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("rule"), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
      fc.array(tie("rule"), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
      tie("rule").map((not) => ({ not })),
    ),
  }));
  return rule;
}

export const directionArb: fc.Arbitrary<Direction> = fc.constantFrom("up", "down", "any");
export const compareOpArb: fc.Arbitrary<CompareOp> = fc.constantFrom("gt", "gte", "lt", "lte", "eq", "neq");
/** Watched ids: often some the snapshots hold, sometimes none of them. */
export const watchedIdsArb: fc.Arbitrary<RowId[]> = fc.array(fc.oneof(rowIdArb, fc.constant("ghost")), { minLength: 1, maxLength: 5 });

/** Each member present or absent, as a client would send them. */
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
function withOptional<R extends object>(rule: R, members: Record<string, unknown>): R {
  const out: Record<string, unknown> = { ...(rule as Record<string, unknown>) };
  for (const [k, v] of Object.entries(members)) if (v !== undefined) out[k] = v;
  return out as R;
}

/** The leaves and members of "Rules, version 2", for a dashboard whose top_n is `topN`. */
function version2Leaves(topN: number): fc.Arbitrary<Rule>[] {
  const rank = fc.integer({ min: 1, max: topN });
  return [
    fc
      .record({ p: fc.constantFrom(0, 0.1, 1), f: fc.constantFrom("x", "score"), d: optional(directionArb), ids: optional(watchedIdsArb) })
      .map(({ p, f, d, ids }) => withOptional({ value_delta_pct: p, on_field: f }, { direction: d, ids })),
    fc.record({ p: fc.constantFrom(0, 0.2, 1), d: optional(directionArb) }).map(({ p, d }) => withOptional({ primary_metric_delta_pct: p }, { direction: d })),
    fc.record({ p: fc.constantFrom(0, 0.2, 1), d: optional(directionArb) }).map(({ p, d }) => withOptional({ row_count_delta_pct: p }, { direction: d })),
    fc
      .record({ f: fc.constantFrom("x", "score", "label"), op: compareOpArb, v: fc.integer({ min: -5, max: 5 }), ids: optional(watchedIdsArb), min: optional(fc.integer({ min: 1, max: 3 })) })
      .map(({ f, op, v, ids, min }) => ({ field_compare: withOptional({ field: f, op, value: v }, { ids, min_rows: min }) })),
    fc.record({ n: rank, ids: optional(watchedIdsArb) }).map(({ n, ids }) => withOptional({ enters_top_n: n }, { ids })),
    fc.record({ n: rank, ids: optional(watchedIdsArb) }).map(({ n, ids }) => withOptional({ leaves_top_n: n }, { ids })),
    fc.record({ k: fc.integer({ min: 1, max: 4 }), n: rank }).map(({ k, n }) => ({ rank_moved_min: k, within_top_n: n })),
  ];
}
