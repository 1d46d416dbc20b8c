// Ranking one snapshot: the order every other part of the diff is read in.
import { IdIndex } from "./id-index.js";
import { orderByKeyDescending } from "./rank-order.js";
import { isRowId } from "./row-id.js";
import type { RankSettings, Row, RowId } from "./types.js";

/** A snapshot's rows in rank order; `index.get(id)` gives an id's 0-based position (rank − 1), or -1. */
export interface Ranking {
  ids: readonly RowId[];
  rows: Row[];
  index: IdIndex;
}

function validRows(rows: readonly Row[], idField: string): { ids: RowId[]; rows: Row[] } {
  const ids: RowId[] = [];
  const kept: Row[] = [];
  for (const row of rows) {
    const id = row[idField];
    if (!isRowId(id)) continue;
    ids.push(id);
    kept.push(row);
  }
  return { ids, rows: kept };
}

/** Keeps the first row of each id, in the order given. */
function indexRanked(ids: readonly RowId[], rows: readonly Row[]): Ranking {
  const index = new IdIndex(ids.length);
  const kept: Row[] = [];
  for (let p = 0; p < ids.length; p++) {
    if (index.add(ids[p]!)) kept.push(rows[p]!);
  }
  return { ids: index.ids, rows: kept, index };
}

/**
 * Ranks rows in the order given, or by `rankBy` descending when set. Only a finite JSON number counts as a
 * value ("12" does not); rows without one share the bottom. Ties, there included, go by `compareIds`.
 * Ingest refuses bad and repeated ids, but the core stays total: a row whose id is not a string or finite
 * number is left out, and of rows sharing an id only the best-ranked one is kept.
 */
export function rankRows(rows: readonly Row[], settings: Pick<RankSettings, "idField" | "rankBy">): Ranking {
  const { rankBy } = settings;
  const valid = validRows(rows, settings.idField);
  if (rankBy === null) return indexRanked(valid.ids, valid.rows);

  const keys = new Float64Array(valid.ids.length);
  for (let i = 0; i < keys.length; i++) {
    const v = valid.rows[i]![rankBy];
    // `+ 0` folds -0 into 0: a typed-array sort would otherwise split them into two runs.
    keys[i] = typeof v === "number" && Number.isFinite(v) ? v + 0 : Number.NEGATIVE_INFINITY;
  }
  const order = orderByKeyDescending(keys, valid.ids);
  const ids: RowId[] = new Array(order.length);
  const ranked: Row[] = new Array(order.length);
  for (let p = 0; p < order.length; p++) {
    ids[p] = valid.ids[order[p]!]!;
    ranked[p] = valid.rows[order[p]!]!;
  }
  return indexRanked(ids, ranked);
}
