import { describe, expect, it } from "vitest";
import { rankOfId, rankRows } from "../../src/core/rank.js";
import type { Row, RowId } from "../../src/core/types.js";

const byGivenOrder = { idField: "id", rankBy: null };
const byScore = { idField: "id", rankBy: "score" };

interface RankCase {
  name: string;
  rows: Row[];
  settings?: { idField: string; rankBy: string | null };
  ids: RowId[];
}

const cases: RankCase[] = [
  {
    name: "keeps the given order when rank_by is unset",
    rows: [{ id: "c", score: 1 }, { id: "a", score: 3 }, { id: "b", score: 2 }],
    ids: ["c", "a", "b"],
  },
  {
    name: "ranks by rank_by descending",
    rows: [{ id: "c", score: 1 }, { id: "a", score: 3 }, { id: "b", score: 2.5 }],
    settings: byScore,
    ids: ["a", "b", "c"],
  },
  {
    name: "breaks ties by id ascending, numbers before strings",
    rows: [{ id: "b", score: 5 }, { id: 10, score: 5 }, { id: "a", score: 5 }, { id: 2, score: 5 }, { id: "z", score: 9 }],
    settings: byScore,
    ids: ["z", 2, 10, "a", "b"],
  },
  {
    name: "orders string ids by UTF-16 code units, not locale",
    rows: [{ id: "a", score: 1 }, { id: "B", score: 1 }, { id: "é", score: 1 }, { id: "Z", score: 1 }],
    settings: byScore,
    ids: ["B", "Z", "a", "é"],
  },
  {
    name: "puts rows without a finite number last, by id among themselves",
    rows: [
      { id: "text", score: "12" },
      { id: "missing" },
      { id: "null", score: null },
      { id: "inf", score: Number.POSITIVE_INFINITY },
      { id: "low", score: -1e9 },
      { id: "high", score: 3 },
    ],
    settings: byScore,
    ids: ["high", "low", "inf", "missing", "null", "text"],
  },
  {
    name: "treats -0 and 0 as one value",
    rows: [{ id: "b", score: 0 }, { id: "a", score: -0 }, { id: "c", score: -1 }],
    settings: byScore,
    ids: ["a", "b", "c"],
  },
  {
    name: "keeps 1 and \"1\" as two ids",
    rows: [{ id: "1", score: 1 }, { id: 1, score: 2 }],
    settings: byScore,
    ids: [1, "1"],
  },
  {
    name: "reads the id under id_field",
    rows: [{ key: "x", id: "ignored" }, { key: 7 }],
    settings: { idField: "key", rankBy: null },
    ids: ["x", 7],
  },
  {
    name: "leaves out rows whose id is not a string or finite number",
    rows: [{ id: true }, { id: null }, {}, { id: { n: 1 } }, { id: Number.NaN }, { id: "ok" }],
    ids: ["ok"],
  },
  {
    name: "keeps the first of rows sharing an id, in given order",
    rows: [{ id: "a", n: 1 }, { id: "b" }, { id: "a", n: 2 }],
    ids: ["a", "b"],
  },
  {
    name: "keeps the first given of rows sharing an id under rank_by too",
    rows: [{ id: "a", score: 1 }, { id: "b", score: 2 }, { id: "a", score: 3 }],
    settings: byScore,
    ids: ["b", "a"],
  },
];

describe("rankRows", () => {
  it.each(cases)("$name", ({ rows, settings, ids }) => {
    const ranking = rankRows(rows, settings ?? byGivenOrder);
    expect(ranking.ids).toEqual(ids);
    ids.forEach((id, position) => expect(rankOfId(ranking, id)).toBe(position));
    expect(ranking.rows.map((row) => row[settings?.idField ?? "id"])).toEqual(ids);
  });

  it("keeps the kept duplicate's own row", () => {
    const given = rankRows([{ id: "a", n: 1 }, { id: "a", n: 2 }], byGivenOrder);
    const ranked = rankRows([{ id: "a", score: 1 }, { id: "a", score: 3 }], byScore);
    expect(given.rows).toEqual([{ id: "a", n: 1 }]);
    expect(ranked.rows).toEqual([{ id: "a", score: 1 }]);
  });

  it("answers -1 for an id it does not hold, whatever its lookalike", () => {
    const ranking = rankRows([{ id: 1 }, { id: "2" }], byGivenOrder);
    expect([rankOfId(ranking, "1"), rankOfId(ranking, 2), rankOfId(ranking, "x")]).toEqual([-1, -1, -1]);
  });

  it("keeps rows in the order given alongside the ranking", () => {
    const ranking = rankRows([{ id: "c", score: 1 }, { id: "a", score: 3 }, { id: "b", score: 2 }], byScore);
    expect(ranking.given.ids).toEqual(["c", "a", "b"]);
    expect(Array.from(ranking.rankOf ?? [])).toEqual([2, 0, 1]);
    expect(Array.from(ranking.givenOf ?? [])).toEqual([1, 2, 0]);
  });

  it("sorts a long run of ties by id", () => {
    const ids = Array.from({ length: 40 }, (_, k) => `id-${(k * 17) % 40}`);
    const rows = [{ id: "top", score: 2 }, ...ids.map((id) => ({ id, score: 1 })), { id: 0, score: 1 }];
    expect(rankRows(rows, byScore).ids).toEqual(["top", 0, ...[...ids].sort()]);
  });

  it("reuses the ranking of the same rows array under the same settings only", () => {
    const rows = [{ id: "b", score: 1 }, { id: "a", score: 2 }];
    const first = rankRows(rows, byScore);
    expect(rankRows(rows, byScore)).toBe(first);
    expect(rankRows(rows, byGivenOrder).ids).toEqual(["b", "a"]);
    expect(rankRows([...rows], byScore)).not.toBe(first);
  });

  it("does not change the rows it is given", () => {
    const rows = [{ id: "b", score: 1 }, { id: "a", score: 2 }];
    const copy = structuredClone(rows);
    rankRows(rows, byScore);
    expect(rows).toEqual(copy);
  });
});
