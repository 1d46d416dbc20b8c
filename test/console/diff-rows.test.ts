// The diff view's row comparison (plain browser JS, no DOM): ranks as the CONTRACT ranks, and says which
// rows entered, left and moved and which values changed.
import { describe, expect, it } from "vitest";

type Row = Record<string, unknown>;
type Settings = { id_field?: string; rank_by?: string | null; top_n?: number };
interface DiffRow { id: unknown; status: string; from_rank: number | null; to_rank: number | null; changed: string[] }
interface DiffRowsModule {
  rankRows(rows: Row[], settings?: Settings): Row[];
  diffRows(a: Row[], b: Row[], settings?: Settings): { rows: DiffRow[]; counts: Record<string, number> };
}

const { rankRows, diffRows } = (await import(new URL("../../src/console/static/diff-rows.js", import.meta.url).href)) as DiffRowsModule;
const ids = (rows: Row[], field = "id") => rows.map((r) => r[field]);

describe("rankRows", () => {
  it("keeps the order given without rank_by", () => {
    expect(ids(rankRows([{ id: "b" }, { id: "a" }]))).toEqual(["b", "a"]);
  });

  it("ranks by rank_by descending, non-numbers last, ties by id with numbers before strings", () => {
    const rows = [{ id: "z", s: 1 }, { id: "y", s: "high" }, { id: "b", s: 5 }, { id: 7, s: 5 }, { id: "a", s: 5 }, { id: "x", s: Infinity }];
    expect(ids(rankRows(rows, { rank_by: "s" }))).toEqual([7, "a", "b", "z", "x", "y"]);
    expect(ids(rows)).toEqual(["z", "y", "b", 7, "a", "x"]);
  });
});

describe("diffRows", () => {
  const settings = { id_field: "name", rank_by: "score", top_n: 2 };
  const a = [{ name: "ann", score: 90 }, { name: "bo", score: 80 }, { name: "cy", score: 70 }, { name: "di", score: 60 }];
  const b = [{ name: "bo", score: 95 }, { name: "ann", score: 90 }, { name: "ed", score: 65 }, { name: "di", score: 50 }];

  it("lists the new snapshot's rows in rank order, then the rows that left", () => {
    const { rows, counts } = diffRows(a, b, settings);
    expect(rows.map((r) => [r.id, r.status, r.from_rank, r.to_rank])).toEqual([
      ["bo", "moved", 2, 1],
      ["ann", "moved", 1, 2],
      ["ed", "entered", null, 3],
      ["di", "same", 4, 4],
      ["cy", "left", 3, null],
    ]);
    expect(counts).toEqual({ entered: 1, left: 1, moved: 2, changed: 2 });
  });

  it("names the changed fields, never the id field", () => {
    const { rows } = diffRows(a, b, settings);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.changed]))).toEqual({ bo: ["score"], ann: [], ed: [], di: ["score"], cy: [] });
  });

  it("counts a rank change outside top_n in both snapshots as no move", () => {
    const before = [{ id: 1, v: 3 }, { id: 2, v: 2 }, { id: 3, v: 1 }];
    const after = [{ id: 1, v: 3 }, { id: 3, v: 2.5 }, { id: 2, v: 2 }];
    expect(diffRows(before, after, { rank_by: "v", top_n: 1 }).counts.moved).toBe(0);
    expect(diffRows(before, after, { rank_by: "v", top_n: 2 }).counts.moved).toBe(2);
  });

  it("sees a changed non-numeric value and a field that appeared", () => {
    const { rows } = diffRows([{ id: "a", tag: "x" }], [{ id: "a", tag: "y", extra: 1 }]);
    expect(rows[0]!.changed).toEqual(["tag", "extra"]);
  });
});
