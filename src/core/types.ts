// Shapes of the divergence core. Pure data: no I/O, no clock.

export type RowId = string | number;
export type Row = Record<string, unknown>;

/** How a dashboard ranks and reads its rows; a diff always uses the current settings for both sides. */
export interface RankSettings {
  idField: string;
  rankBy: string | null;
  topN: number;
  primaryMetricField: string | null;
}

export interface SnapshotData {
  rows: readonly Row[];
  primaryMetric: number | null;
}

export interface TopNChange {
  id: RowId;
  from_rank: number | null;
  to_rank: number | null;
}

export interface RowValueDelta {
  id: RowId;
  field: string;
  from: number;
  to: number;
  delta: number;
  delta_pct: number | null;
}

export interface DiffCounts {
  top_n_changes: number;
  row_value_deltas: number;
  id_set_added: number;
  id_set_removed: number;
}

/** The diff as stored and sent: each list capped at 100 entries, `counts` holding the full lengths. */
export interface Diff {
  top_n_changes: TopNChange[];
  row_value_deltas: RowValueDelta[];
  id_set_added: RowId[];
  id_set_removed: RowId[];
  primary_metric_delta_pct: number | null;
  counts: DiffCounts;
}

/**
 * What computeDiff returns: uncapped lists plus what rules need and the wire shape leaves out.
 * `row_value_deltas` here is in scan order, not contract order (only `capDiff` sorts, and only what it keeps);
 * every other list is in contract order.
 */
export interface FullDiff extends Diff {
  /** Each side's primary metric; rules must tell "none" from "changed from 0". */
  primary_metric: { from: number | null; to: number | null };
  /** Ordered ids of ranks 1..topN on each side, for top_n_reordering leaves with N < topN. */
  top_ids: { from: RowId[]; to: RowId[] };
}

export interface TopNReorderingRule {
  top_n_reordering: number;
}
export interface ValueDeltaPctRule {
  value_delta_pct: number;
  on_field: string;
}
export interface SetAddedMinRule {
  set_added_min: number;
}
export interface SetRemovedMinRule {
  set_removed_min: number;
}
export interface PrimaryMetricDeltaPctRule {
  primary_metric_delta_pct: number;
}
export interface AndRule {
  and: Rule[];
}
export interface OrRule {
  or: Rule[];
}
export interface NotRule {
  not: Rule;
}

/** A `threshold_json` as validated: the JSON itself, one key naming the node (plus `on_field`). */
export type Rule =
  | TopNReorderingRule
  | ValueDeltaPctRule
  | SetAddedMinRule
  | SetRemovedMinRule
  | PrimaryMetricDeltaPctRule
  | AndRule
  | OrRule
  | NotRule;

/** One node of an evaluation trace, mirroring the rule tree; `value` holds what decided a leaf. */
export interface TraceNode {
  node: string;
  matched: boolean;
  value?: unknown;
  children?: TraceNode[];
  /** On the root only: the trace was cut to its byte bound (see trace-bound.ts). */
  truncated?: boolean;
}

export interface RuleIssue {
  pointer: string;
  detail: string;
}
