// Ranking one snapshot: the order every other part of the diff is read in.
import { IdIndex } from "./id-index.js";
import { orderByKeyDescending } from "./rank-order.js";
import { isRowId } from "./row-id.js";
import type { RankSettings, Row, RowId } from "./types.js";

/**
 * A snapshot's kept rows in rank order, and in the order given. The order given is the order the rows lie
 * in memory (JSON.parse allocates them so): walking a 100k-row snapshot that way is several times cheaper
 * than jumping about it in rank order, so the diff walks it so and only reports in rank order.
 */
export interface Ranking {
  readonly ids: readonly RowId[];
  readonly rows: readonly Row[];
  readonly given: { readonly ids: readonly RowId[]; readonly rows: readonly Row[] };
  /** Rank position (0-based) of each given position, and given position of each rank; null when equal. */
  readonly rankOf: Uint32Array | null;
  readonly givenOf: Uint32Array | null;
  /** Given position of an id, or -1. */
  readonly index: { get(id: RowId): number };
}

/** Rank position (rank − 1) of `id`, or -1 when the snapshot does not hold it. */
export function rankOfId(ranking: Ranking, id: RowId): number {
  const g = ranking.index.get(id);
  return g === -1 || ranking.rankOf === null ? g : ranking.rankOf[g]!;
}

/**
 * The ranking of each rows array last ranked, while that array lives. Ingest diffs each new snapshot
 * against the one before, which it keeps parsed: that snapshot was the new side of the previous diff, so
 * its ranking, a third to a half of a diff's cost, is found here. Snapshots are immutable, so identity
 * is a sound key; the settings that shaped the ranking are part of it.
 */
const rankings = new WeakMap<readonly Row[], { idField: string; rankBy: string | null; ranking: Ranking }>();

/** Rank keys: a finite JSON number, else -Infinity (the shared bottom). `+ 0` folds -0 into 0. */
function rankKeys(rows: readonly Row[], rankBy: string): Float64Array {
  const keys = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![rankBy];
    keys[i] = typeof v === "number" && Number.isFinite(v) ? v + 0 : Number.NEGATIVE_INFINITY;
  }
  return keys;
}

function isIdentity(order: Uint32Array): boolean {
  for (let p = 0; p < order.length; p++) if (order[p] !== p) return false;
  return true;
}

function rank(rows: readonly Row[], idField: string, rankBy: string | null): Ranking {
  const index = new IdIndex(rows.length);
  const kept: Row[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const id = row[idField];
    if (isRowId(id) && index.add(id)) kept.push(row);
  }
  const given = { ids: index.ids, rows: kept };
  const givenOf = rankBy === null ? null : orderByKeyDescending(rankKeys(kept, rankBy), given.ids);
  if (givenOf === null || isIdentity(givenOf)) return { ...given, given, rankOf: null, givenOf: null, index };

  const rankOf = new Uint32Array(givenOf.length);
  const ids: RowId[] = new Array(givenOf.length);
  const ranked: Row[] = new Array(givenOf.length);
  for (let p = 0; p < givenOf.length; p++) {
    const g = givenOf[p]!;
    rankOf[g] = p;
    ids[p] = given.ids[g]!;
    ranked[p] = kept[g]!;
  }
  return { ids, rows: ranked, given, rankOf, givenOf, index };
}

/**
 * Ranks rows in the order given, or by `rankBy` descending when set. Only a finite JSON number counts as a
 * value ("12" does not); rows without one share the bottom. Ties, there included, go by `compareIds`.
 * Ingest refuses bad and repeated ids, but the core stays total: a row whose id is not a string or finite
 * number is left out, and of rows sharing an id only the first given is kept.
 */
export function rankRows(rows: readonly Row[], settings: Pick<RankSettings, "idField" | "rankBy">): Ranking {
  const { idField, rankBy } = settings;
  const known = rankings.get(rows);
  if (known && known.idField === idField && known.rankBy === rankBy) return known.ranking;
  const ranking = rank(rows, idField, rankBy);
  rankings.set(rows, { idField, rankBy, ranking });
  return ranking;
}
