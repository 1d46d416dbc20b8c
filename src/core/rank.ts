// Ranking one snapshot: the order every other part of the diff is read in.
import { IdIndex, hashId } from "./id-index.js";
import { orderByKeyDescending } from "./rank-order.js";
import { isRowId } from "./row-id.js";
import type { RankSettings, Row, RowId } from "./types.js";

/** A snapshot's rows in rank order; `index.get(id)` gives an id's 0-based position (rank − 1), or -1. */
export interface Ranking {
  readonly ids: readonly RowId[];
  readonly rows: readonly Row[];
  readonly index: { get(id: RowId): number };
}

/**
 * The ranking of each rows array last ranked, while that array lives. Ingest diffs each new snapshot
 * against the one before, which it keeps parsed: that snapshot was the new side of the previous diff, so
 * its ranking, a third to a half of a diff's cost, is found here. Snapshots are immutable, so identity
 * is a sound key; the settings that shaped the ranking are part of it.
 */
const rankings = new WeakMap<readonly Row[], { idField: string; rankBy: string | null; ranking: Ranking }>();

/** Indexes rows in the order given, keeping the first row of each valid id. */
function indexRows(rows: readonly Row[], idField: string): Ranking {
  const index = new IdIndex(rows.length);
  const kept: Row[] = [];
  for (let p = 0; p < rows.length; p++) {
    const row = rows[p]!;
    const id = row[idField];
    if (isRowId(id) && index.add(id, hashId(id))) kept.push(row);
  }
  return { ids: index.ids, rows: kept, index };
}

/**
 * Indexes valid rows in rank order. `order` jumps around memory when rows were not sent ranked, so ids are
 * hashed beforehand in the order given, and the ranked pass reads neither rows nor ids' characters.
 */
function indexRanked(rows: readonly Row[], ids: readonly RowId[], order: Uint32Array): Ranking {
  const hashes = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) hashes[i] = hashId(ids[i]!);
  const index = new IdIndex(ids.length);
  const kept: Row[] = [];
  for (let p = 0; p < order.length; p++) {
    const i = order[p]!;
    if (index.add(ids[i]!, hashes[i]!)) kept.push(rows[i]!);
  }
  return { ids: index.ids, rows: kept, index };
}

/** Rank keys: a finite JSON number, else -Infinity (the shared bottom). `+ 0` folds -0 into 0. */
function rankKeys(rows: readonly Row[], rankBy: string): Float64Array {
  const keys = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![rankBy];
    keys[i] = typeof v === "number" && Number.isFinite(v) ? v + 0 : Number.NEGATIVE_INFINITY;
  }
  return keys;
}

/**
 * Ranks rows in the order given, or by `rankBy` descending when set. Only a finite JSON number counts as a
 * value ("12" does not); rows without one share the bottom. Ties, there included, go by `compareIds`.
 * Ingest refuses bad and repeated ids, but the core stays total: a row whose id is not a string or finite
 * number is left out, and of rows sharing an id only the best-ranked one is kept.
 */
export function rankRows(rows: readonly Row[], settings: Pick<RankSettings, "idField" | "rankBy">): Ranking {
  const { idField, rankBy } = settings;
  const known = rankings.get(rows);
  if (known && known.idField === idField && known.rankBy === rankBy) return known.ranking;
  const ranking = rank(rows, idField, rankBy);
  rankings.set(rows, { idField, rankBy, ranking });
  return ranking;
}

function rank(rows: readonly Row[], idField: string, rankBy: string | null): Ranking {
  if (rankBy === null) return indexRows(rows, idField);
  const valid: Row[] = [];
  const ids: RowId[] = [];
  for (const row of rows) {
    const id = row[idField];
    if (!isRowId(id)) continue;
    valid.push(row);
    ids.push(id);
  }
  return indexRanked(valid, ids, orderByKeyDescending(rankKeys(valid, rankBy), ids));
}
