// The Store port, the log and what hangs off it: events, the audit report's counts and marks, acks,
// the delivery ledger, and the heads the hub reconciles against.
import type { EventKind, LogEntry } from "../protocol/event.js";
import type { AckRecord } from "./ack-log.js";
import type { AlertMark, SubscriptionDeliveries } from "./audit-ledger.js";
import type { Delivery, DeliveryPage, DeliveryQuery, RetryResult } from "./delivery-ledger.js";
import type { FollowedHeads } from "./followed-heads.js";

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

export interface LogStore {
  readEvents(dashboardId: string, query: EventQuery): Promise<EventPage>;
  auditSummary(dashboardId: string, range: AuditRange): Promise<AuditSummary>;
  /** Up to `limit` snapshot.created events of the range after `afterSeq`, in seq order. */
  readSnapshotMarks(dashboardId: string, range: AuditRange, afterSeq: number, limit: number): Promise<SnapshotMark[]>;
  /** Journals the ack (time, session) and cancels the persona's fallbacks it made unnecessary. */
  recordAck(persona: string, dashboardId: string, seq: number, session?: string | null): Promise<void>;
  ackedSeq(persona: string, dashboardId: string): Promise<number>;
  /** The hub's reconciler: heads of followed dashboards and personas' latest alerts, in one query. */
  followedHeads(dashboardIds: readonly string[], personas: readonly string[]): Promise<FollowedHeads>;
  /** Up to `limit` alerts of the range after `afterSeq`, in seq order, with where they went and whether they were seen. */
  readAlertMarks(dashboardId: string, range: AuditRange, afterSeq: number, limit: number): Promise<AlertMark[]>;
  /** How the deliveries of the range's alerts ended, per subscription, counted by the database. */
  deliveriesBySubscription(dashboardId: string, range: AuditRange): Promise<SubscriptionDeliveries[]>;
  /** The delivery ledger (store/delivery-ledger.ts), a page bounded in count and, with maxBytes, in bytes. */
  listDeliveries(dashboardId: string, query: DeliveryQuery): Promise<DeliveryPage>;
  getDelivery(dashboardId: string, id: string): Promise<{ delivery: Delivery; owner: string | null; enabled: boolean } | null>;
  retryDelivery(dashboardId: string, id: string): Promise<RetryResult>;
  /** The acks by `persona` of a seq ≥ `seq`, earliest first, bounded (store/ack-log.ts). */
  acksCovering(dashboardId: string, persona: string, seq: number): Promise<AckRecord[]>;
}
