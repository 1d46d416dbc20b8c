// The Store port, snapshots: the ingest that appends one, the reads of stored ones, and the
// Idempotency-Key claims that make a POST safe to retry.
import type { Diff, Row } from "../core/types.js";
import type { LogEntry } from "../protocol/event.js";
import type { Failure, NotFound, Result } from "./result.js";
import type { Dashboard } from "./store-dashboards.js";

export interface SnapshotMeta {
  id: string;
  dashboard_id: string;
  taken_at: string;
  received_at: string;
  primary_metric: number | null;
  row_count: number;
}

export interface SnapshotWithRows extends SnapshotMeta {
  rows: Row[];
}

/** What a snapshot is judged against: the head it appends after and the settings it ranks with. */
export type IngestBasis = Pick<Dashboard, "id" | "id_field" | "rank_by" | "top_n" | "primary_metric_field" | "head_seq" | "latest_snapshot_id">;

export interface IngestInput {
  dashboardId: string;
  rows: Row[];
  primaryMetric: number | null;
  /** null: the time of receipt, taken inside the transaction so it never precedes the previous snapshot. */
  takenAt: Date | null;
  actor: string;
  /**
   * The dashboard as the caller read it (without a lock), so the ingest need not read it again: the
   * snapshot is judged against this head, and again under the row lock only if another writer moved it.
   */
  basis?: IngestBasis;
  /**
   * The request body as sent, a JSON object whose `rows` member parsed to `rows`: PostgreSQL stores the
   * rows from it, so the hub does not serialize them again. Absent: `rows` is serialized.
   */
  bodyJson?: string;
  /** Completed in the ingest transaction, so a committed snapshot always answers its key's retries. */
  idempotencyKey?: string;
}

/** One alert an ingest appended; `kind` is the event kind. */
export interface AlertRef {
  subscription_id: string;
  seq: number;
  kind: "alert.matched" | "alert.resolved";
}

export interface IngestOutcome {
  snapshot_id: string;
  seq_range: { from: number; to: number };
  diff: Diff | null;
  alerts: AlertRef[];
  /** Committed entries, in seq order, for the broker. */
  entries: LogEntry[];
  /** The commit queued a delivery due now (webhook or email), so the delivery worker should wake. */
  deliveriesDue: boolean;
}

/** "gone": the snapshot exists but retention has pruned its rows. */
export type SnapshotRead = Result<SnapshotWithRows, NotFound | Failure<"gone">>;

export type IngestResult = Result<IngestOutcome, NotFound | (Failure<"taken-at-before-previous"> & { previous: string })>;

export type IdempotencyClaim =
  | { state: "claimed" }
  | { state: "in-flight" }
  | { state: "reused" }
  | { state: "done"; status: number; body: unknown };

export interface SnapshotStore {
  ingestSnapshot(input: IngestInput): Promise<IngestResult>;
  listSnapshots(dashboardId: string, limit: number): Promise<SnapshotMeta[]>;
  getSnapshot(dashboardId: string, snapshotId: string): Promise<SnapshotRead>;
  /** The latest snapshot taken at or before `at`; not-found when none was. */
  snapshotAt(dashboardId: string, at: Date): Promise<SnapshotRead>;
  claimIdempotencyKey(dashboardId: string, key: string, requestHash: string): Promise<IdempotencyClaim>;
  completeIdempotencyKey(dashboardId: string, key: string, status: number, body: unknown): Promise<void>;
  releaseIdempotencyKey(dashboardId: string, key: string): Promise<void>;
}
