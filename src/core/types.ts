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
  /** Ordered ids of ranks 1..topN on each side, for the rank leaves (their N is at most topN). */
  top_ids: { from: RowId[]; to: RowId[] };
  /** Rows kept on each side (a string or finite-number id, first of a repeated id), for row_count_delta_pct. */
  row_count: { from: number; to: number };
  /** The new snapshot's kept rows, for the leaves that judge a level on it (field_compare). */
  next: NextRows;
}

/** The new side of a diff: its kept rows in rank order and a lookup by id, shared with the diff's ranking. */
export interface NextRows {
  readonly ids: readonly RowId[];
  readonly rows: readonly Row[];
  /** 0-based rank position of `id` in `rows`, or -1 when the snapshot does not hold it. */
  rankOf(id: RowId): number;
}

export type Direction = "up" | "down" | "any";
export type CompareOp = "gt" | "gte" | "lt" | "lte" | "eq" | "neq";

export interface TopNReorderingRule {
  top_n_reordering: number;
}
export interface ValueDeltaPctRule {
  value_delta_pct: number;
  on_field: string;
  direction?: Direction;
  ids?: RowId[];
}
export interface SetAddedMinRule {
  set_added_min: number;
}
export interface SetRemovedMinRule {
  set_removed_min: number;
}
export interface PrimaryMetricDeltaPctRule {
  primary_metric_delta_pct: number;
  direction?: Direction;
}
export interface RowCountDeltaPctRule {
  row_count_delta_pct: number;
  direction?: Direction;
}
export interface FieldCompareRule {
  field_compare: { field: string; op: CompareOp; value: number; ids?: RowId[]; min_rows?: number };
}
export interface EntersTopNRule {
  enters_top_n: number;
  ids?: RowId[];
}
export interface LeavesTopNRule {
  leaves_top_n: number;
  ids?: RowId[];
}
export interface RankMovedMinRule {
  rank_moved_min: number;
  within_top_n: number;
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

/** A `threshold_json` as validated: the JSON itself, one key naming the node (plus that leaf's members). */
export type Rule =
  | TopNReorderingRule
  | ValueDeltaPctRule
  | SetAddedMinRule
  | SetRemovedMinRule
  | PrimaryMetricDeltaPctRule
  | RowCountDeltaPctRule
  | FieldCompareRule
  | EntersTopNRule
  | LeavesTopNRule
  | RankMovedMinRule
  | AndRule
  | OrRule
  | NotRule;

/**
 * One node of an evaluation trace, mirroring the rule tree. A leaf carries `value`, the number that decided
 * it (null when there is none), `threshold`, the leaf's own p, k, N or x, and `detail`, what a reader needs
 * to see why (lists in it bounded by trace-bound.ts).
 */
export interface TraceNode {
  node: string;
  matched: boolean;
  value?: number | null;
  threshold?: number;
  detail?: Record<string, unknown>;
  children?: TraceNode[];
  /** On the root only: the trace was cut to its byte bound (see trace-bound.ts). */
  truncated?: boolean;
  /**
   * On the root only: the new snapshot holds the same content as the baseline, so it fails whatever the
   * rule says (root `matched: false`); the children still show what each leaf measured.
   */
  unchanged?: boolean;
}

export interface RuleIssue {
  pointer: string;
  detail: string;
}
