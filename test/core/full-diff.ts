// Hand-built FullDiffs for leaf tables: only the members a case sets, everything else empty and consistent.
import type { FullDiff, NextRows, Row, RowId, RowValueDelta } from "../../src/core/types.js";

/** The new side of a diff from rows in rank order, ids under `id`. */
export function nextRows(rows: readonly Row[]): NextRows {
  const ids = rows.map((row) => row.id as RowId);
  const rank = new Map<RowId, number>(ids.map((id, k) => [id, k]));
  return { ids, rows, rankOf: (id) => rank.get(id) ?? -1 };
}

export function diffWith(overrides: Partial<Omit<FullDiff, "next">> & { rows?: Row[] } = {}): FullDiff {
  const { rows = [], ...members } = overrides;
  const base: FullDiff = {
    top_n_changes: [],
    row_value_deltas: [],
    id_set_added: [],
    id_set_removed: [],
    primary_metric_delta_pct: null,
    counts: { top_n_changes: 0, row_value_deltas: 0, id_set_added: 0, id_set_removed: 0 },
    primary_metric: { from: null, to: null },
    top_ids: { from: [], to: [] },
    row_count: { from: rows.length, to: rows.length },
    next: nextRows(rows),
  };
  const diff = { ...base, ...members };
  diff.counts = {
    top_n_changes: diff.top_n_changes.length,
    row_value_deltas: diff.row_value_deltas.length,
    id_set_added: diff.id_set_added.length,
    id_set_removed: diff.id_set_removed.length,
  };
  return diff;
}

export function delta(id: RowId, field: string, from: number, to: number): RowValueDelta {
  return { id, field, from, to, delta: to - from, delta_pct: from === 0 ? (to === 0 ? 0 : null) : (to - from) / Math.abs(from) };
}
