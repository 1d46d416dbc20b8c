// The Store port: everything the hub keeps. One drizzle implementation runs on PostgreSQL and on PGlite.
import type { Baseline } from "../core/baseline.js";
import type { Lifecycle } from "../core/lifecycle.js";
import type { Diff, Row, Rule } from "../core/types.js";
import type { BacktestInput, BacktestResult, BacktestTooMany, Explanation } from "./rule-tools.js";
import type { EventKind, LogEntry } from "../protocol/event.js";
import type { AckRecord } from "./ack-log.js";
import type { AlertMark, SubscriptionDeliveries } from "./audit-ledger.js";
import type { DashboardUpdate } from "./dashboard-update.js";
import type { Delivery, DeliveryQuery, RetryResult } from "./delivery-ledger.js";
import type { FollowedHeads } from "./followed-heads.js";
import type { PruneCounts, PruneOptions, RetentionCutoffs } from "./retention-batches.js";

export type { BacktestInput, BacktestResult, BacktestTooMany, Explanation, Firing } from "./rule-tools.js";

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
  /** The sub that created it; null for dashboards older than owners. */
  owner: string | null;
  head_seq: number;
  latest_snapshot_id: string | null;
  created_at: string;
}

/** For the scheduler: when the current snapshot_policy was set (the dashboard's creation, or the PATCH). */
export interface ScheduledDashboard extends Dashboard {
  policy_set_at: string;
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
  /** What each snapshot is judged against; "previous" when unset. */
  baseline: Baseline;
  /** Normalized (every member present); null: every match alerts, as in version 1. */
  lifecycle: Lifecycle | null;
  /** The lifecycle's state with `resolve: true`, else null. */
  state: "ok" | "firing" | null;
  /** false once the delivery ledger disabled a failing webhook: alerts are still logged, not delivered. */
  enabled: boolean;
}

export type SubscriptionInput = Omit<Subscription, "id" | "created_at" | "last_notified_snapshot_id" | "baseline" | "lifecycle" | "state" | "enabled"> &
  Partial<Pick<Subscription, "baseline" | "lifecycle">>;

/** A PATCH of a subscription: only the members given change; `fallback: null` removes it. */
export interface SubscriptionPatch {
  threshold_json?: Rule;
  baseline?: Baseline;
  lifecycle?: Lifecycle | null;
  fallback?: Fallback | null;
  enabled?: boolean;
}

export interface UpdatedSubscription {
  subscription: Subscription;
  /** The subscription.updated entry; empty when the PATCH changed nothing. */
  entries: LogEntry[];
  /** A new fallback webhook's secret, shown once: set when the PATCH gave a fallback webhook and there was none. */
  fallback_secret: string | null;
}

/** Secrets live beside the subscription and leave the store only when a delivery needs them. */
export interface SubscriptionSecrets {
  secret: string | null;
  fallback_secret: string | null;
}

/** Subscriptions a dashboard may hold, in all and per owner; checked under the dashboard's row lock. */
export interface SubscriptionQuota {
  perDashboard: number;
  perOwner: number;
}

export interface CreatedSubscription {
  subscription: Subscription;
  entries: LogEntry[];
}

/** Nothing was created: the dashboard (`scope: "dashboard"`) or this owner on it already holds `limit`. */
export interface QuotaExceeded {
  error: "quota-exceeded";
  scope: "dashboard" | "owner";
  limit: number;
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
  /** The page stops before the event that would take its JSON past this many bytes; it holds at least one. */
  maxBytes?: number;
}

export interface EventPage {
  entries: LogEntry[];
  head_seq: number;
}

export interface AuditRange {
  from?: Date;
  to?: Date;
}

/** A log range counted by the database: what the audit report shows beside its snapshot list. */
export interface AuditSummary {
  head_seq: number;
  events: number;
  first_seq: number | null;
  last_seq: number | null;
  /** In the order each kind first appears. */
  by_kind: { kind: string; events: number }[];
  /** Most alerts first; the subscriber as the subscription's first alert in the range recorded it. */
  alerts_by_subscription: { subscription_id: string; subscriber_kind: string; subscriber_id: string; alerts: number }[];
}

export interface SnapshotMark {
  seq: number;
  snapshot_id: string;
  at: string;
  actor: string;
}

export type IdempotencyClaim =
  | { state: "claimed" }
  | { state: "in-flight" }
  | { state: "reused" }
  | { state: "done"; status: number; body: unknown };

export interface Store {
  createDashboard(id: string, settings: DashboardSettings, owner?: string | null): Promise<Dashboard | "conflict">;
  updateDashboard(id: string, patch: Partial<DashboardSettings>): Promise<Dashboard | "not-found" | "top-n-conflict">;
  getDashboard(id: string): Promise<Dashboard | null>;
  /** Up to `limit` dashboards with id > `after`, in id order, and whether more follow. */
  listDashboards(after: string | null, limit: number): Promise<{ dashboards: Dashboard[]; more: boolean }>;
  /** Dashboards whose metadata.snapshot_policy is not manual, for the scheduler. */
  listScheduledDashboards(): Promise<ScheduledDashboard[]>;

  ingestSnapshot(input: IngestInput): Promise<IngestResult>;
  listSnapshots(dashboardId: string, limit: number): Promise<SnapshotMeta[]>;
  /** "gone": the snapshot exists but retention has pruned its rows. */
  getSnapshot(dashboardId: string, snapshotId: string): Promise<SnapshotWithRows | "gone" | null>;
  snapshotAt(dashboardId: string, at: Date): Promise<SnapshotWithRows | "gone" | null>;

  createSubscription(input: SubscriptionInput, secrets: SubscriptionSecrets, actor: string): Promise<CreatedSubscription>;
  createSubscription(input: SubscriptionInput, secrets: SubscriptionSecrets, actor: string, quota: SubscriptionQuota): Promise<CreatedSubscription | QuotaExceeded>;
  listSubscriptions(dashboardId: string, owner: string | null): Promise<Subscription[]>;
  getSubscription(dashboardId: string, id: string): Promise<Subscription | null>;
  deleteSubscription(dashboardId: string, id: string, actor: string): Promise<LogEntry[] | null>;
  /** null: no such subscription. `newFallbackSecret` is used only when the patch adds a fallback webhook where none was. */
  updateSubscription(dashboardId: string, id: string, patch: SubscriptionPatch, actor: string, newFallbackSecret: string): Promise<UpdatedSubscription | null>;
  /** Rule tools: the stored history judged as ingest would (backtest), and one snapshot explained. */
  backtest(dashboardId: string, input: BacktestInput): Promise<BacktestResult | BacktestTooMany>;
  explain(dashboardId: string, subscriptionId: string, snapshotId: string): Promise<Explanation | "not-found" | "gone">;

  readEvents(dashboardId: string, query: EventQuery): Promise<EventPage>;
  auditSummary(dashboardId: string, range: AuditRange): Promise<AuditSummary>;
  /** Up to `limit` snapshot.created events of the range after `afterSeq`, in seq order. */
  readSnapshotMarks(dashboardId: string, range: AuditRange, afterSeq: number, limit: number): Promise<SnapshotMark[]>;
  /** Journals the ack (time, session) and cancels the persona's fallbacks it made unnecessary. */
  recordAck(persona: string, dashboardId: string, seq: number, session?: string | null): Promise<void>;
  /** Whether the persona has a persona subscription on the dashboard (who may ack there). */
  hasPersonaSubscription(dashboardId: string, persona: string): Promise<boolean>;
  ackedSeq(persona: string, dashboardId: string): Promise<number>;

  claimIdempotencyKey(dashboardId: string, key: string, requestHash: string): Promise<IdempotencyClaim>;
  completeIdempotencyKey(dashboardId: string, key: string, status: number, body: unknown): Promise<void>;
  releaseIdempotencyKey(dashboardId: string, key: string): Promise<void>;

  /** Deletes events older than `before`, in bounded batches; returns how many. */
  pruneEvents(before: Date): Promise<number>;
  /** The hub's reconciler: heads of followed dashboards and personas' latest alerts, in one query. */
  followedHeads(dashboardIds: readonly string[], personas: readonly string[]): Promise<FollowedHeads>;
  /** One retention pass, on one node at a time: "busy" when another node's pass holds the lock. */
  prune(cutoffs: RetentionCutoffs, options: PruneOptions): Promise<PruneCounts | "busy">;
  /** Version 2's journaled PATCH: appends dashboard.updated when something changed. */
  updateDashboardLogged(id: string, patch: Partial<DashboardSettings>, actor: string): Promise<DashboardUpdate>;
  /** Up to `limit` alerts of the range after `afterSeq`, in seq order, with where they went and whether they were seen. */
  readAlertMarks(dashboardId: string, range: AuditRange, afterSeq: number, limit: number): Promise<AlertMark[]>;
  /** How the deliveries of the range's alerts ended, per subscription, counted by the database. */
  deliveriesBySubscription(dashboardId: string, range: AuditRange): Promise<SubscriptionDeliveries[]>;
  /** The delivery ledger (store/delivery-ledger.ts). */
  listDeliveries(dashboardId: string, query: DeliveryQuery): Promise<Delivery[]>;
  getDelivery(dashboardId: string, id: string): Promise<{ delivery: Delivery; owner: string | null; enabled: boolean } | null>;
  retryDelivery(dashboardId: string, id: string): Promise<RetryResult>;
  /** The acks by `persona` of a seq ≥ `seq`, earliest first, bounded (store/ack-log.ts). */
  acksCovering(dashboardId: string, persona: string, seq: number): Promise<AckRecord[]>;
  /** Webhook subscriptions only; false when there is none with that id. */
  rotateSecret(dashboardId: string, id: string, secret: string): Promise<boolean>;
  /** Cheap liveness check for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
