// The rule tools' shapes (backtest, explain): they read and judge stored history and write nothing.
import type { Baseline } from "../core/baseline.js";
import type { Lifecycle } from "../core/lifecycle.js";
import type { Rule } from "../core/types.js";
import type { Failure } from "./result.js";

export interface BacktestInput {
  rule: Rule;
  baseline: Baseline;
  lifecycle: Lifecycle | null;
  from?: Date;
  to?: Date;
  /** At most this many snapshots in the range; more → BacktestTooMany, nothing judged. */
  maxSnapshots: number;
}

export interface Firing {
  kind: "matched" | "resolved";
  snapshot_id: string;
  taken_at: string;
  baseline_snapshot_id: string | null;
  trace: unknown;
}

export interface BacktestResult {
  evaluated: number;
  firings: Firing[];
}

/** How many snapshots the range holds, counted only up to one past the bound. */
export interface BacktestTooMany extends Failure<"too-many"> {
  count: number;
}

export interface Explanation {
  snapshot_id: string;
  baseline_snapshot_id: string | null;
  matched: boolean;
  trace: unknown;
}
