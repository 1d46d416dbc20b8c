// The Store port: everything the hub keeps. One drizzle implementation runs on PostgreSQL and on PGlite.
// Its parts live by area in store-dashboards, store-snapshots, store-subscriptions and store-log.
//
// Outcomes, one way per kind:
// - An expected failure, one the caller must handle (a quota reached, a row gone, a lock held elsewhere),
//   is a `Result` (src/store/result.ts): `{ ok: true, value } | { ok: false, error: "<kind>", ...more }`,
//   the shape ingest has always answered with. Never a throw, a bare string or a boolean.
// - A plain read answers null for "no such row"; a list answers [].
// - A write that nothing expected can refuse answers its value (createSubscription without a quota).
// - A throw is a bug or a broken database: e.g. a dashboard missing under its own write (nothing deletes one).
import type { PruneCounts, PruneOptions, RetentionCutoffs } from "./retention-batches.js";
import type { Failure, Result } from "./result.js";
import type { DashboardStore } from "./store-dashboards.js";
import type { LogStore } from "./store-log.js";
import type { SnapshotStore } from "./store-snapshots.js";
import type { SubscriptionStore } from "./store-subscriptions.js";

export type * from "./store-dashboards.js";
export type * from "./store-log.js";
export type * from "./store-snapshots.js";
export type * from "./store-subscriptions.js";
export type { Failure, NotFound, Result } from "./result.js";
export type { BacktestInput, BacktestResult, BacktestTooMany, Explanation, Firing } from "./rule-tools.js";

/** Retention and the process: what no request asks for. */
export interface UpkeepStore {
  /** Deletes events older than `before`, in bounded batches; returns how many. */
  pruneEvents(before: Date): Promise<number>;
  /** One retention pass, on one node at a time: "busy" when another node's pass holds the lock. */
  prune(cutoffs: RetentionCutoffs, options: PruneOptions): Promise<Result<PruneCounts, Failure<"busy">>>;
  /** Cheap liveness check for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Store extends DashboardStore, SnapshotStore, SubscriptionStore, LogStore, UpkeepStore {}
