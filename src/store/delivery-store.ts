// The DeliveryStore port: what the delivery queue needs from the outbox and the rows it refers to, and no
// more. The queue decides (fair shares, plans, retry times); the store leases, loads and writes, each write
// fenced by the lease so a node whose lease ran out cannot overwrite the node that took over.
// Expected failures are `Result` values; a rejected promise is a fault (the database is gone, a bug).
import type { HubEvent, LogEntry } from "../protocol/event.js";
import type { Failure, Result } from "./result.js";

export type OutboxChannel = "webhook" | "email";

/** The ledger keeps this much of an error: enough to read the cause, bounded whatever the endpoint says. */
export const ATTEMPT_ERROR_MAX = 500;

/** Which pending rows are due. */
export interface DueRows {
  channels: readonly OutboxChannel[];
  /** Targets to pass over: endpoints already at their bound of sends in flight. */
  skipTargets: readonly string[];
  /** A row never attempted is due once its next_attempt_at (the alert, or the fallback deadline) is this old. */
  firstDueBy: Date;
  /** A retry is due once its next_attempt_at is this old. */
  retryDueBy: Date;
}

/** A leased outbox row with what it refers to, as the store found it under the lease. */
export interface ClaimedRow {
  delivery: {
    id: string;
    dashboardId: string;
    subscriptionId: string;
    seq: number;
    channel: OutboxChannel;
    target: string;
    reason: "direct" | "fallback";
    attempts: number;
  };
  /** null once retention has pruned the alert. */
  event: HubEvent | null;
  /** null once the subscription is deleted (`kind` is never null, so a live row never reads as deleted). */
  subscription: {
    kind: "persona" | "webhook" | "email";
    secret: string | null;
    fallbackSecret: string | null;
    enabled: boolean;
    previousSecret: string | null;
    previousSecretUntil: Date | null;
  } | null;
  dashboard: { name: string | null; topN: number } | null;
  /** Highest seq the subscription's persona acked on this dashboard; 0 when none or not a persona. */
  ackedSeq: number;
}

/** A leased row settled without an attempt: cancelled (nobody should be called) or failed (nothing to send). */
export interface UnsentRow {
  id: string;
  status: "cancelled" | "failed";
  why: string;
}

/** One attempt's result, for the delivery row, the ledger and the endpoint's failure run. */
export interface AttemptRecord {
  dashboardId: string;
  deliveryId: string;
  subscriptionId: string;
  /** Only a webhook subscription's own endpoint is disabled; fallbacks and email are retried by their schedule. */
  disablesEndpoint: boolean;
  /** The fencing token: the next_attempt_at the claim wrote. */
  leaseUntil: Date;
  at: Date;
  /** The attempt's number in the ledger, 1 for the first. */
  n: number;
  outcome: "delivered" | "failed";
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The delivery row afterwards; "pending" means a retry is due at nextAttemptAt. Its last_error is `error`. */
  row: { status: "pending" | "delivered" | "failed"; attempts: number; nextAttemptAt: Date };
}

export interface DeliveryStore {
  /** Up to `limit` dashboards, soonest due first, named by a read of at most `probe` due rows that takes no locks. */
  dueDashboards(due: DueRows, probe: number, limit: number): Promise<string[]>;
  /**
   * Leases up to `limit` due rows of one dashboard, soonest first, passing over rows another claim holds,
   * by moving their next_attempt_at to `leaseUntil`; returns them with what they refer to.
   */
  lease(dashboardId: string, due: DueRows, limit: number, leaseUntil: Date): Promise<ClaimedRow[]>;
  /** Settles leased rows of one dashboard at `at`, each only while its lease holds; returns how many it settled. */
  settleUnsent(dashboardId: string, leaseUntil: Date, at: Date, rows: readonly UnsentRow[]): Promise<number>;
  /**
   * Writes one attempt in one transaction: the row (while the lease holds), its ledger entry and, for a
   * webhook's own endpoint, the failure run. `overdue`: the run has lasted `disableAfterMs` (0: never).
   */
  recordAttempt(record: AttemptRecord, disableAfterMs: number): Promise<Result<{ overdue: boolean }, Failure<"lease-lost">>>;
  /**
   * Disables the endpoint whose run is overdue and fails the row that tipped it over; returns the
   * subscription.disabled entry it appended. "run-cleared": a success or a re-enable got there first.
   */
  disableEndpoint(record: AttemptRecord, disableAfterMs: number): Promise<Result<LogEntry[], Failure<"run-cleared" | "dashboard-gone">>>;
}
