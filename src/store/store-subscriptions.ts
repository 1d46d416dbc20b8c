// The Store port, subscriptions: their rules, fallbacks, quotas and secrets, and the rule tools that
// judge stored history against a rule (backtest, explain).
import type { Baseline } from "../core/baseline.js";
import type { Lifecycle } from "../core/lifecycle.js";
import type { Rule } from "../core/types.js";
import type { LogEntry } from "../protocol/event.js";
import type { ExplainResult } from "./explain.js";
import type { Failure, NotFound, Result } from "./result.js";
import type { BacktestInput, BacktestResult, BacktestTooMany } from "./rule-tools.js";

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
export interface QuotaExceeded extends Failure<"quota-exceeded"> {
  scope: "dashboard" | "owner";
  limit: number;
}

export interface SubscriptionStore {
  /** Without a quota nothing expected can refuse it; a missing dashboard is a bug (dashboards are never deleted), thrown. */
  createSubscription(input: SubscriptionInput, secrets: SubscriptionSecrets, actor: string): Promise<CreatedSubscription>;
  createSubscription(input: SubscriptionInput, secrets: SubscriptionSecrets, actor: string, quota: SubscriptionQuota): Promise<Result<CreatedSubscription, QuotaExceeded>>;
  listSubscriptions(dashboardId: string, owner: string | null): Promise<Subscription[]>;
  getSubscription(dashboardId: string, id: string): Promise<Subscription | null>;
  /** The subscription.deleted entry. */
  deleteSubscription(dashboardId: string, id: string, actor: string): Promise<Result<LogEntry[], NotFound>>;
  /** `newFallbackSecret` is used only when the patch adds a fallback webhook where none was. */
  updateSubscription(dashboardId: string, id: string, patch: SubscriptionPatch, actor: string, newFallbackSecret: string): Promise<Result<UpdatedSubscription, NotFound>>;
  /** Rule tools: the stored history judged as ingest would (backtest), and one snapshot explained. */
  backtest(dashboardId: string, input: BacktestInput): Promise<Result<BacktestResult, BacktestTooMany>>;
  explain(dashboardId: string, subscriptionId: string, snapshotId: string): Promise<ExplainResult>;
  /** Whether the persona has a persona subscription on the dashboard (who may ack there). */
  hasPersonaSubscription(dashboardId: string, persona: string): Promise<boolean>;
  /** Webhook subscriptions only; not-found when there is none with that id. */
  rotateSecret(dashboardId: string, id: string, secret: string): Promise<Result<void, NotFound>>;
}
