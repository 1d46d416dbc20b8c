// compute_diff(a, b): what changed between two consecutive snapshots, ranked with the current settings.
import { primaryMetricDeltaPct, primaryMetricOf } from "./primary-metric.js";
import { rankOfId, rankRows, type Ranking } from "./rank.js";
import { selectFirst } from "./select-first.js";
import { computeTopNChanges } from "./top-n-changes.js";
import type { Diff, FullDiff, RankSettings, RowId, RowValueDelta, SnapshotData } from "./types.js";
import { compareValueDeltas, pushValueDeltas } from "./value-deltas.js";

/** The wire cap on each list of a stored or sent diff. */
export const DIFF_LIST_CAP = 100;

type Matched = Pick<FullDiff, "row_value_deltas" | "id_set_added" | "id_set_removed">;

/**
 * Pairs the rows of both sides by id, walking each in the order given (see `Ranking`). One lookup per old
 * row yields the removed ids, the value deltas and, through `matched`, the added ids: id lookups, not
 * arithmetic, are what a 100k-row diff spends its time on.
 */
function matchRows(before: Ranking, after: Ranking, idField: string): Matched {
  const row_value_deltas: RowValueDelta[] = [];
  const removed: number[] = [];
  const matched = new Uint8Array(after.given.ids.length);
  const [a, b] = [before.given, after.given];
  let next = 0;
  for (let g = 0; g < a.ids.length; g++) {
    const id = a.ids[g]!;
    // Consecutive snapshots mostly keep their order, so the row after the last match is tried first: a
    // sequential read instead of a hash probe into a table far bigger than the cache.
    const h = b.ids[next] === id ? next : after.index.get(id);
    if (h === -1) {
      removed.push(before.rankOf === null ? g : before.rankOf[g]!);
      continue;
    }
    matched[h] = 1;
    next = h + 1;
    pushValueDeltas(row_value_deltas, id, a.rows[g]!, b.rows[h]!, idField);
  }
  // Both id lists are reported in rank order: removed ids in the old side's, added ids in the new side's.
  const id_set_removed = Array.from(Uint32Array.from(removed).sort(), (p) => before.ids[p]!);
  const id_set_added: RowId[] = [];
  for (let p = 0; p < after.ids.length; p++) {
    if (matched[after.givenOf === null ? p : after.givenOf[p]!] === 0) id_set_added.push(after.ids[p]!);
  }
  return { row_value_deltas, id_set_added, id_set_removed };
}

function normalTopN(topN: number): number {
  return Number.isFinite(topN) && topN > 0 ? Math.floor(topN) : 0;
}

/**
 * Uncapped: rules are judged on this, never on the capped copy. Every list is in contract order except
 * `row_value_deltas`, which is in scan order (the old snapshot's rows as given, each row's keys in order):
 * a snapshot where every row moves yields hundreds of thousands of deltas, rules only need a maximum per
 * field and the wire keeps 100, so `capDiff` selects those instead of this sorting the lot.
 */
export function computeDiff(a: SnapshotData, b: SnapshotData, settings: RankSettings): FullDiff {
  const topN = normalTopN(settings.topN);
  const before = rankRows(a.rows, settings);
  const after = rankRows(b.rows, settings);

  const { row_value_deltas, id_set_added, id_set_removed } = matchRows(before, after, settings.idField);
  const top_n_changes = computeTopNChanges(before, after, topN);

  const from = primaryMetricOf(a, settings);
  const to = primaryMetricOf(b, settings);
  return {
    top_n_changes,
    row_value_deltas,
    id_set_added,
    id_set_removed,
    primary_metric_delta_pct: primaryMetricDeltaPct(from, to),
    counts: {
      top_n_changes: top_n_changes.length,
      row_value_deltas: row_value_deltas.length,
      id_set_added: id_set_added.length,
      id_set_removed: id_set_removed.length,
    },
    primary_metric: { from, to },
    top_ids: { from: before.ids.slice(0, topN), to: after.ids.slice(0, topN) },
    row_count: { from: before.ids.length, to: after.ids.length },
    next: { ids: after.ids, rows: after.rows, rankOf: (id) => rankOfId(after, id) },
  };
}

/**
 * The wire shape: exactly the six contract members (a FullDiff's extras must not leak into stored or sent
 * JSON), each list cut to `cap` in contract order, `counts` keeping the full lengths.
 */
export function capDiff(full: FullDiff, cap: number = DIFF_LIST_CAP): Diff {
  const max = cap > 0 ? cap : 0;
  return {
    top_n_changes: full.top_n_changes.slice(0, max),
    row_value_deltas: selectFirst(full.row_value_deltas, max, compareValueDeltas),
    id_set_added: full.id_set_added.slice(0, max),
    id_set_removed: full.id_set_removed.slice(0, max),
    primary_metric_delta_pct: full.primary_metric_delta_pct,
    counts: {
      top_n_changes: full.counts.top_n_changes,
      row_value_deltas: full.counts.row_value_deltas,
      id_set_added: full.counts.id_set_added,
      id_set_removed: full.counts.id_set_removed,
    },
  };
}
