// What the audit report reads of the delivery ledger: per alert where it went and whether its persona saw it
// (in pages, like the snapshot list), and per subscription how its deliveries ended (counted by the database).
import { and, asc, eq, gt, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { redactSubscriber } from "../core/redact.js";
import type { Db } from "./database.js";
import { acks, deliveries, events } from "./schema.js";
import type { AuditRange } from "./store.js";

export interface AlertMark {
  seq: number;
  kind: string;
  at: string;
  subscription_id: string;
  subscriber_kind: string;
  subscriber_id: string;
  deliveries: { channel: string; reason: string; status: string }[];
  /** Persona alerts: whether the persona has acked this seq (or a later one); null for webhook and email. */
  seen: boolean | null;
}

export interface SubscriptionDeliveries {
  subscription_id: string;
  deliveries: number;
  delivered: number;
  failed: number;
  cancelled: number;
  pending: number;
  /** delivered / (delivered + failed); null while none has settled either way. */
  success_rate: number | null;
}

/** Subscriptions listed in a report's delivery table, most deliveries first (the default per-dashboard quota). */
export const AUDIT_MAX_SUBSCRIPTIONS = 1000;

const ALERT_KINDS = ["alert.matched", "alert.resolved"];

function inRange(dashboardId: string, range: AuditRange): SQL[] {
  const conditions = [eq(events.dashboardId, dashboardId), inArray(events.kind, ALERT_KINDS)];
  if (range.from) conditions.push(gte(events.at, range.from));
  if (range.to) conditions.push(lt(events.at, range.to));
  return conditions;
}

// Spelt out with their table: drizzle may render a column unqualified, which inside a subquery would name the
// subquery's own column.
const eventSeq = sql`${sql.identifier("events")}.${sql.identifier("seq")}`;
const eventPersona = sql`${sql.identifier("events")}.${sql.identifier("persona")}`;

export async function readAlertMarks(db: Db, dashboardId: string, range: AuditRange, afterSeq: number, limit: number): Promise<AlertMark[]> {
  const went = sql<{ channel: string; reason: string; status: string }[] | null>`(select json_agg(json_build_object('channel', d.channel, 'reason', d.reason, 'status', d.status) order by d.channel, d.reason)
    from ${deliveries} d where d.dashboard_id = ${dashboardId} and d.seq = ${eventSeq})`;
  const acked = sql<string | null>`(select a.seq::text from ${acks} a where a.dashboard_id = ${dashboardId} and a.persona = ${eventPersona})`;
  const rows = await db
    .select({ seq: events.seq, kind: events.kind, at: events.at, data: events.data, persona: events.persona, went, acked })
    .from(events)
    .where(and(...inRange(dashboardId, range), gt(events.seq, afterSeq)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map((r) => {
    const kind = String(r.data.subscriber_kind);
    return {
      seq: r.seq,
      kind: r.kind,
      at: r.at.toISOString(),
      subscription_id: String(r.data.subscription_id),
      subscriber_kind: kind,
      // Stored events are redacted already; redacting again is idempotent and guards older rows.
      subscriber_id: redactSubscriber(kind, String(r.data.subscriber_id)),
      deliveries: r.went ?? [],
      seen: r.persona === null ? null : r.acked !== null && Number(r.acked) >= r.seq,
    };
  });
}

export async function deliveriesBySubscription(db: Db, dashboardId: string, range: AuditRange): Promise<SubscriptionDeliveries[]> {
  const n = (status: string) => sql<number>`count(*) filter (where ${deliveries.status} = ${status})`.mapWith(Number);
  const rows = await db
    .select({ subscriptionId: deliveries.subscriptionId, all: sql<number>`count(*)`.mapWith(Number), delivered: n("delivered"), failed: n("failed"), cancelled: n("cancelled"), pending: n("pending") })
    .from(deliveries)
    .innerJoin(events, and(eq(events.dashboardId, dashboardId), eq(events.seq, deliveries.seq)))
    .where(and(eq(deliveries.dashboardId, dashboardId), ...inRange(dashboardId, range)))
    .groupBy(deliveries.subscriptionId)
    .orderBy(sql`count(*) desc`, asc(deliveries.subscriptionId))
    .limit(AUDIT_MAX_SUBSCRIPTIONS);
  return rows.map((r) => ({
    subscription_id: r.subscriptionId,
    deliveries: r.all,
    delivered: r.delivered,
    failed: r.failed,
    cancelled: r.cancelled,
    pending: r.pending,
    success_rate: r.delivered + r.failed === 0 ? null : r.delivered / (r.delivered + r.failed),
  }));
}
