// What the audit report reads of a log: aggregates computed by the database, and the snapshot list in
// pages, so that a report's memory does not grow with the log.
import { and, asc, count, eq, gt, gte, lt, min, max, sql, type SQL } from "drizzle-orm";
import type { Db } from "./database.js";
import { dashboards, events } from "./schema.js";
import type { AuditRange, AuditSummary, SnapshotMark } from "./store.js";

function inRange(dashboardId: string, range: AuditRange): SQL[] {
  const conditions = [eq(events.dashboardId, dashboardId)];
  if (range.from) conditions.push(gte(events.at, range.from));
  if (range.to) conditions.push(lt(events.at, range.to));
  return conditions;
}

export async function auditSummary(db: Db, dashboardId: string, range: AuditRange): Promise<AuditSummary> {
  const where = and(...inRange(dashboardId, range));
  const subscriptionId = sql<string>`${events.data}->>'subscription_id'`;
  // One row per subscription (at most the subscription quota), and the alert that first named it, whose
  // subscriber the report shows, as the in-memory report did.
  const firstAlerts = db
    .select({ subscriptionId: subscriptionId.as("subscription_id"), alerts: count().as("alerts"), firstSeq: min(events.seq).as("first_seq") })
    .from(events)
    .where(and(where, eq(events.kind, "alert.matched")))
    .groupBy(subscriptionId)
    .as("first_alerts");
  const [totals, kinds, alerts, head] = await Promise.all([
    db.select({ n: count(), first: min(events.seq), last: max(events.seq) }).from(events).where(where),
    db
      .select({ kind: events.kind, n: count() })
      .from(events)
      .where(where)
      .groupBy(events.kind)
      .orderBy(asc(min(events.seq))),
    db
      .select({
        subscriptionId: firstAlerts.subscriptionId,
        alerts: firstAlerts.alerts,
        subscriberKind: sql<string>`${events.data}->>'subscriber_kind'`,
        subscriberId: sql<string>`${events.data}->>'subscriber_id'`,
      })
      .from(firstAlerts)
      .innerJoin(events, and(eq(events.dashboardId, dashboardId), eq(events.seq, firstAlerts.firstSeq)))
      .orderBy(sql`${firstAlerts.alerts} desc`, asc(firstAlerts.firstSeq)),
    db.select({ headSeq: dashboards.headSeq }).from(dashboards).where(eq(dashboards.id, dashboardId)),
  ]);
  const t = totals[0];
  return {
    head_seq: head[0]?.headSeq ?? 0,
    events: Number(t?.n ?? 0),
    first_seq: t?.first == null ? null : Number(t.first),
    last_seq: t?.last == null ? null : Number(t.last),
    by_kind: kinds.map((k) => ({ kind: k.kind, events: Number(k.n) })),
    alerts_by_subscription: alerts.map((a) => ({
      subscription_id: String(a.subscriptionId),
      subscriber_kind: String(a.subscriberKind),
      subscriber_id: String(a.subscriberId),
      alerts: Number(a.alerts),
    })),
  };
}

/** Up to `limit` snapshot.created events after `afterSeq` in the range, without their data. */
export async function readSnapshotMarks(db: Db, dashboardId: string, range: AuditRange, afterSeq: number, limit: number): Promise<SnapshotMark[]> {
  const rows = await db
    .select({ seq: events.seq, snapshotId: sql<string>`${events.data}->>'snapshot_id'`, at: events.at, actor: events.actor })
    .from(events)
    .where(and(...inRange(dashboardId, range), eq(events.kind, "snapshot.created"), gt(events.seq, afterSeq)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map((r) => ({ seq: Number(r.seq), snapshot_id: String(r.snapshotId), at: r.at.toISOString(), actor: r.actor }));
}
