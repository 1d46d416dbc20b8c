// The drizzle schema: one set of tables for PostgreSQL and PGlite alike.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const seq = (name: string) => bigint(name, { mode: "number" });

/** The scheduler's filter, spelt once so its query can use the partial index. */
export const SCHEDULED = sql`metadata->>'snapshot_policy' IS NOT NULL AND metadata->>'snapshot_policy' <> 'manual'`;

export const dashboards = pgTable("dashboards", {
  id: text("id").primaryKey(),
  name: text("name"),
  idField: text("id_field").notNull().default("id"),
  rankBy: text("rank_by"),
  topN: integer("top_n").notNull().default(10),
  primaryMetricField: text("primary_metric_field"),
  metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
  sourceUrl: text("source_url"),
  // The creator's sub; null for dashboards made before owners were recorded (then only admins PATCH).
  owner: text("owner"),
  // The log's head lives on the dashboard row: locking the row serializes appends, so seq stays contiguous.
  headSeq: seq("head_seq").notNull().default(0),
  latestSnapshotId: uuid("latest_snapshot_id"),
  latestTakenAt: ts("latest_taken_at"),
  createdAt: ts("created_at").notNull().defaultNow(),
  // When metadata.snapshot_policy last changed; null: since creation. The scheduler's first instant follows it.
  policySetAt: ts("policy_set_at"),
}, (t) => [index("dashboards_scheduled").on(t.id).where(SCHEDULED)]);

export const snapshots = pgTable(
  "snapshots",
  {
    id: uuid("id").notNull(),
    dashboardId: text("dashboard_id")
      .notNull()
      .references(() => dashboards.id),
    takenAt: ts("taken_at").notNull(),
    receivedAt: ts("received_at").notNull(),
    primaryMetric: doublePrecision("primary_metric"),
    rowCount: integer("row_count").notNull(),
    // json, not jsonb: rows are never queried inside, so keep the text as sent (cheaper to write, order kept).
    // null once SNAPSHOT_RETENTION_DAYS has pruned them (never the dashboard's latest); the rest of the row stays.
    rows: json("rows").$type<Record<string, unknown>[]>(),
    // Stored once here rather than in each alert.matched event that shares it; the log joins it back.
    diff: json("diff"),
    // Its snapshot.created seq (drizzle/0007; null before): the commit order, which breaks taken_at ties.
    seq: seq("seq"),
  },
  // Hash-partitioned by dashboard_id (drizzle/0002): every key leads with it, so a dashboard's queries touch one partition.
  (t) => [
    primaryKey({ columns: [t.dashboardId, t.id] }),
    index("snapshots_dashboard_taken_at").on(t.dashboardId, t.takenAt),
    index("snapshots_rows_taken_at").on(t.takenAt).where(sql`${t.rows} is not null`),
    index("snapshots_pruned_received_at").on(t.receivedAt).where(sql`${t.rows} is null`),
  ],
);

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid("id").primaryKey(),
    dashboardId: text("dashboard_id")
      .notNull()
      .references(() => dashboards.id),
    subscriberKind: text("subscriber_kind").$type<"persona" | "webhook" | "email">().notNull(),
    subscriberId: text("subscriber_id").notNull(),
    thresholdJson: jsonb("threshold_json").notNull(),
    fallback: jsonb("fallback"),
    owner: text("owner").notNull(),
    secret: text("secret"),
    fallbackSecret: text("fallback_secret"),
    lastNotifiedSnapshotId: uuid("last_notified_snapshot_id"),
    createdAt: ts("created_at").notNull().defaultNow(),
    // Version 2 (drizzle/0006). null baseline: "previous"; null lifecycle: every match alerts (version 1).
    baseline: jsonb("baseline"),
    lifecycle: jsonb("lifecycle"),
    // The lifecycle machine's state (core/lifecycle.ts), changed only in the ingest transaction.
    lifecycleState: jsonb("lifecycle_state"),
    enabled: boolean("enabled").notNull().default(true),
    // Start of the current run of failed webhook deliveries; null after a success or a re-enable.
    failingSince: ts("failing_since"),
    // The secret before the last rotation, still signed with until `previous_secret_until`.
    previousSecret: text("previous_secret"),
    previousSecretUntil: ts("previous_secret_until"),
  },
  (t) => [
    index("subscriptions_dashboard").on(t.dashboardId),
    // The hub's reconciler looks a followed persona's subscriptions up (followed-heads.ts).
    index("subscriptions_persona").on(t.subscriberId, t.dashboardId).where(sql`subscriber_kind = 'persona'`),
  ],
);

export const events = pgTable(
  "events",
  {
    dashboardId: text("dashboard_id")
      .notNull()
      .references(() => dashboards.id),
    seq: seq("seq").notNull(),
    kind: text("kind").notNull(),
    at: ts("at").notNull(),
    actor: text("actor").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    // Set when `data.diff` is the diff of this snapshot, stored on the snapshot row.
    snapshotId: uuid("snapshot_id"),
    // Set on alert.matched and alert.resolved events of persona subscriptions: the routing key of persona channels.
    persona: text("persona"),
    // The persona's previous alert seq on this dashboard, so a client can tell a gap from silence.
    prevSeq: seq("prev_seq"),
    // An alert's own diff (from a baseline other than the snapshot before), as written (drizzle/0007).
    diff: json("diff"),
  },
  (t) => [
    primaryKey({ columns: [t.dashboardId, t.seq] }),
    index("events_dashboard_persona_seq").on(t.dashboardId, t.persona, t.seq).where(sql`${t.persona} is not null`),
    index("events_dashboard_at").on(t.dashboardId, t.at),
    index("events_at").on(t.at),
  ],
);

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    dashboardId: text("dashboard_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    response: jsonb("response"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.dashboardId, t.key] }), index("idempotency_keys_created_at").on(t.createdAt)],
);

export const acks = pgTable(
  "acks",
  {
    persona: text("persona").notNull(),
    dashboardId: text("dashboard_id").notNull(),
    seq: seq("seq").notNull(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.persona, t.dashboardId] })],
);

/** Webhook and email work, written in the ingest transaction so an accepted alert is never lost. */
export const deliveries = pgTable(
  "deliveries",
  {
    id: uuid("id").notNull(),
    dashboardId: text("dashboard_id").notNull(),
    seq: seq("seq").notNull(),
    subscriptionId: uuid("subscription_id").notNull(),
    channel: text("channel").$type<"webhook" | "email">().notNull(),
    target: text("target").notNull(),
    // "fallback" rows fire only if no session of the persona acked `seq` by `next_attempt_at`.
    reason: text("reason").$type<"direct" | "fallback">().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull(),
    status: text("status").$type<"pending" | "delivered" | "failed" | "cancelled">().notNull().default("pending"),
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  // Hash-partitioned by dashboard_id like events and snapshots (drizzle/0002).
  (t) => [
    primaryKey({ columns: [t.dashboardId, t.id] }),
    index("deliveries_due").on(t.status, t.channel, t.nextAttemptAt),
    index("deliveries_created_at").on(t.createdAt),
  ],
);

/** One row per delivery attempt (the ledger), written in the delivery worker's transaction. */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    dashboardId: text("dashboard_id").notNull(),
    deliveryId: uuid("delivery_id").notNull(),
    n: integer("n").notNull(),
    at: ts("at").notNull(),
    outcome: text("outcome").$type<"delivered" | "failed">().notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [primaryKey({ name: "delivery_attempts_pk", columns: [t.dashboardId, t.deliveryId, t.n] }), index("delivery_attempts_at").on(t.at)],
);

/** Every ack as received (acks holds only each persona's highest): who saw which alert, and when. */
export const ackLog = pgTable(
  "ack_log",
  {
    dashboardId: text("dashboard_id").notNull(),
    persona: text("persona").notNull(),
    seq: seq("seq").notNull(),
    at: ts("at").notNull(),
    session: text("session"),
  },
  (t) => [primaryKey({ name: "ack_log_pk", columns: [t.dashboardId, t.persona, t.seq] }), index("ack_log_at").on(t.at)],
);

export const schema = { dashboards, snapshots, subscriptions, events, idempotencyKeys, acks, deliveries, deliveryAttempts, ackLog };
