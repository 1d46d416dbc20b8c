import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capDiff, computeDiff } from "../../src/core/diff.js";
import { rankRows } from "../../src/core/rank.js";
import { compareIds } from "../../src/core/row-id.js";
import type { Diff, FullDiff, RankSettings, Row, RowId, RowValueDelta } from "../../src/core/types.js";
import { compareValueDeltas } from "../../src/core/value-deltas.js";
import { rowsArb, settingsArb, snapshotArb, snapshotPairArb } from "./arbitraries.js";

const LISTS = ["top_n_changes", "row_value_deltas", "id_set_added", "id_set_removed"] as const;

/** The contract's ranking written the obvious way, to check the optimised one against (ids are unique). */
function naiveRank(rows: readonly Row[], settings: RankSettings): RowId[] {
  const { idField, rankBy } = settings;
  const id = (row: Row) => row[idField] as RowId;
  if (rankBy === null) return rows.map(id);
  const key = (row: Row) => {
    const v = row[rankBy];
    return typeof v === "number" && Number.isFinite(v) ? v : Number.NEGATIVE_INFINITY;
  };
  const byRank = (x: Row, y: Row) => (key(x) === key(y) ? compareIds(id(x), id(y)) : key(x) > key(y) ? -1 : 1);
  return [...rows].sort(byRank).map(id);
}

const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

describe("computeDiff properties", () => {
  it("ranks as a plain comparator sort would", () => {
    fc.assert(
      fc.property(rowsArb, settingsArb, (rows, settings) => {
        expect(rankRows(rows, settings).ids).toEqual(naiveRank(rows, settings));
      }),
    );
  });

  it("finds nothing between a snapshot and itself", () => {
    fc.assert(
      fc.property(snapshotArb, settingsArb, (a, settings) => {
        const full = computeDiff(a, a, settings);
        for (const list of LISTS) expect(full[list]).toEqual([]);
        expect(full.top_ids.to).toEqual(full.top_ids.from);
        expect(full.primary_metric_delta_pct === null || full.primary_metric_delta_pct === 0).toBe(true);
      }),
    );
  });

  it("swaps added and removed, and from and to ranks, when the snapshots swap", () => {
    fc.assert(
      fc.property(snapshotPairArb, settingsArb, ({ a, b }, settings) => {
        const forward = computeDiff(a, b, settings);
        const backward = computeDiff(b, a, settings);
        expect(backward.id_set_added).toEqual(forward.id_set_removed);
        expect(backward.id_set_removed).toEqual(forward.id_set_added);
        const flipped = backward.top_n_changes.map(({ id, from_rank, to_rank }) => ({ id, from_rank: to_rank, to_rank: from_rank }));
        const byId = (x: { id: RowId }, y: { id: RowId }) => compareIds(x.id, y.id);
        expect(flipped.sort(byId)).toEqual([...forward.top_n_changes].sort(byId));
        expect(backward.top_ids).toEqual({ from: forward.top_ids.to, to: forward.top_ids.from });
      }),
    );
  });

  it("counts the full length of every list, and capDiff keeps the counts", () => {
    fc.assert(
      fc.property(snapshotPairArb, settingsArb, fc.integer({ min: 0, max: 6 }), ({ a, b }, settings, max) => {
        const full = computeDiff(a, b, settings);
        const wire: Diff = capDiff(full, max);
        for (const list of LISTS) {
          expect(full.counts[list]).toBe(full[list].length);
          expect(wire.counts[list]).toBe(full[list].length);
          expect(wire[list].length).toBe(Math.min(max, full[list].length));
        }
      }),
    );
  });

  it("caps every list at 100 by default", () => {
    const rowsOf = (n: number, shift: number) => Array.from({ length: n }, (_, k) => ({ id: k + shift, v: k * (shift + 1) }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (n, shift) => {
        const full = computeDiff({ rows: rowsOf(n, 0), primaryMetric: null }, { rows: rowsOf(n, shift), primaryMetric: null }, {
          idField: "id",
          rankBy: "v",
          topN: 1000,
          primaryMetricField: null,
        });
        for (const list of LISTS) expect(capDiff(full)[list].length).toBeLessThanOrEqual(100);
      }),
      { numRuns: 30 },
    );
  });

  it("puts value deltas in contract order, each cap a prefix of the full order", () => {
    fc.assert(
      fc.property(snapshotPairArb, settingsArb, fc.integer({ min: 0, max: 8 }), ({ a, b }, settings, max) => {
        const full = computeDiff(a, b, settings);
        const all = capDiff(full, Number.POSITIVE_INFINITY).row_value_deltas;
        expect(all).toEqual([...full.row_value_deltas].sort(compareValueDeltas));
        for (let k = 1; k < all.length; k++) expect(compareValueDeltas(all[k - 1]!, all[k]!)).toBeLessThan(0);
        expect(capDiff(full, max).row_value_deltas).toEqual(all.slice(0, max));
      }),
    );
  });

  it("reports exactly the changed finite numbers of rows in both, with consistent delta math", () => {
    fc.assert(
      fc.property(snapshotPairArb, settingsArb, ({ a, b }, settings) => {
        const full = computeDiff(a, b, settings);
        const after = new Map(rankRows(b.rows, settings).rows.map((row) => [row.id as RowId, row]));
        const expected: string[] = [];
        for (const before of rankRows(a.rows, settings).rows) {
          const other = after.get(before.id as RowId);
          if (!other) continue;
          for (const field of Object.keys(before)) {
            const [from, to] = [before[field], other[field]];
            if (field !== "id" && isFiniteNumber(from) && isFiniteNumber(to) && from !== to) {
              expected.push(JSON.stringify([before.id, field, from, to]));
            }
          }
        }
        const got = full.row_value_deltas.map((d: RowValueDelta) => JSON.stringify([d.id, d.field, d.from, d.to]));
        expect(got.sort()).toEqual(expected.sort());
        for (const d of full.row_value_deltas) {
          expect(d.delta).toBe(d.to - d.from);
          expect(d.delta).not.toBe(0);
          if (d.from === 0) expect(d.delta_pct).toBeNull();
          else expect(d.delta_pct).toBe(d.delta / Math.abs(d.from));
        }
      }),
    );
  });

  it("lists exactly the ids within top N on a side whose rank moved, in contract order", () => {
    fc.assert(
      fc.property(snapshotPairArb, settingsArb, ({ a, b }, settings) => {
        const full: FullDiff = computeDiff(a, b, settings);
        const ranks = (rows: Row[]) => new Map(rankRows(rows, settings).ids.map((id, k) => [id, k + 1]));
        const [from, to] = [ranks([...a.rows]), ranks([...b.rows])];
        const expected = [...new Set([...from.keys(), ...to.keys()])]
          .map((id) => ({ id, from_rank: from.get(id) ?? null, to_rank: to.get(id) ?? null }))
          .filter((c) => c.from_rank !== c.to_rank)
          .filter((c) => (c.from_rank ?? Infinity) <= settings.topN || (c.to_rank ?? Infinity) <= settings.topN);
        const nullsLast = (x: number | null, y: number | null) => (x ?? Infinity) - (y ?? Infinity);
        expected.sort((x, y) => nullsLast(x.to_rank, y.to_rank) || nullsLast(x.from_rank, y.from_rank));
        expect(full.top_n_changes).toEqual(expected);
        expect(full.top_ids.from).toEqual([...from.keys()].slice(0, settings.topN));
      }),
    );
  });
});
