// The Store port: everything the hub keeps. One drizzle implementation runs on PostgreSQL and on PGlite.
import type { Diff, Row, Rule } from "../core/types.js";
import type { EventKind, LogEntry } from "../protocol/event.js";

export type SnapshotPolicy = string; // "manual" | "hourly" | a cron expression

export interface DashboardSettings {
  name: string | null;
  id_field: string;
  rank_by: string | null;
  top_n: number;
  primary_metric_field: string | null;
  metadata: Record<string, unknown>;
  source_url: string | null;
}

export interface Dashboard extends DashboardSettings {
  id: string;
  head_seq: number;
  latest_snapshot_id: string | null;
  created_at: string;
}

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

export type SubscriberKind = "persona" | "webhook" | "email";

export interface Fallback {
  after_ms: number;
  webhook_url?: string;
  email?: string;
}

export interface Subscription {
  id: string;
  dashboard_id: string;
  subscriber_kind: SubscriberKind;
  subscriber_id: string;
  threshold_json: Rule;
  fallback: Fallback | null;
  owner: string;
  last_notified_snapshot_id: string | null;
  created_at: string;
}

/** Secrets live beside the subscription and leave the store only when a delivery needs them. */
export interface SubscriptionSecrets {
  secret: string | null;
  fallback_secret: string | null;
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

export interface IngestOutcome {
  snapshot_id: string;
  seq_range: { from: number; to: number };
  diff: Diff | null;
  alerts: { subscription_id: string; seq: number }[];
  /** Committed entries, in seq order, for the broker. */
  entries: LogEntry[];
}

export type IngestResult =
  | { ok: true; value: IngestOutcome }
  | { ok: false; error: "not-found" }
  | { ok: false; error: "taken-at-before-previous"; previous: string };

export interface EventQuery {
  afterSeq: number;
  limit: number;
  kinds?: EventKind[];
  from?: Date;
  to?: Date;
  persona?: string;
}

export interface EventPage {
  entries: LogEntry[];
  head_seq: number;
}

export type IdempotencyClaim =
  | { state: "claimed" }
  | { state: "in-flight" }
  | { state: "reused" }
  | { state: "done"; status: number; body: unknown };

export interface Store {
  createDashboard(id: string, settings: DashboardSettings): Promise<Dashboard | "conflict">;
  updateDashboard(id: string, patch: Partial<DashboardSettings>): Promise<Dashboard | "not-found" | "top-n-conflict">;
  getDashboard(id: string): Promise<Dashboard | null>;
  /** Dashboards whose metadata.snapshot_policy is not manual, for the scheduler. */
  listScheduledDashboards(): Promise<Dashboard[]>;

  ingestSnapshot(input: IngestInput): Promise<IngestResult>;
  listSnapshots(dashboardId: string, limit: number): Promise<SnapshotMeta[]>;
  getSnapshot(dashboardId: string, snapshotId: string): Promise<SnapshotWithRows | null>;
  snapshotAt(dashboardId: string, at: Date): Promise<SnapshotWithRows | null>;

  createSubscription(
    input: Omit<Subscription, "id" | "created_at" | "last_notified_snapshot_id">,
    secrets: SubscriptionSecrets,
    actor: string,
  ): Promise<{ subscription: Subscription; entries: LogEntry[] }>;
  listSubscriptions(dashboardId: string, owner: string | null): Promise<Subscription[]>;
  getSubscription(dashboardId: string, id: string): Promise<Subscription | null>;
  deleteSubscription(dashboardId: string, id: string, actor: string): Promise<LogEntry[] | null>;

  readEvents(dashboardId: string, query: EventQuery): Promise<EventPage>;
  recordAck(persona: string, dashboardId: string, seq: number): Promise<void>;
  ackedSeq(persona: string, dashboardId: string): Promise<number>;

  claimIdempotencyKey(dashboardId: string, key: string, requestHash: string): Promise<IdempotencyClaim>;
  completeIdempotencyKey(dashboardId: string, key: string, status: number, body: unknown): Promise<void>;
  releaseIdempotencyKey(dashboardId: string, key: string): Promise<void>;

  /** Deletes events older than `before`; returns how many. */
  pruneEvents(before: Date): Promise<number>;
  /** Cheap liveness check for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
