// The DeliveryStore on drizzle, for PostgreSQL and PGlite alike. Deliveries are partitioned by dashboard_id
// (as Citus would shard them), so every statement but the unlocked look at the soonest due rows names one
// dashboard, and touches one partition of each table.
import { and, asc, eq, gt, inArray, lte, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "./database.js";
import { disableEndpoint, recordAttempt } from "./delivery-attempts.js";
import type { ClaimedRow, DeliveryStore, DueRows, UnsentRow } from "./delivery-store.js";
import { toLogEntry } from "./mappers.js";
import { acks, dashboards, deliveries, events, snapshots, subscriptions } from "./schema.js";

export function createDrizzleDeliveryStore(db: Db): DeliveryStore {
  return {
    async dueDashboards(due, probe, limit) {
      const soonest = await db
        .select({ dashboardId: deliveries.dashboardId })
        .from(deliveries)
        .where(isDue(due))
        .orderBy(asc(deliveries.nextAttemptAt))
        .limit(probe);
      return [...new Set(soonest.map((r) => r.dashboardId))].slice(0, limit);
    },
    lease: (dashboardId, due, limit, leaseUntil) => lease(db, dashboardId, due, limit, leaseUntil),
    settleUnsent: (dashboardId, leaseUntil, at, rows) => settleUnsent(db, dashboardId, leaseUntil, at, rows),
    recordAttempt: (record, disableAfterMs) => recordAttempt(db, record, disableAfterMs),
    disableEndpoint: (record, disableAfterMs) => disableEndpoint(db, record, disableAfterMs),
  };
}

function isDue(due: DueRows) {
  return and(
    eq(deliveries.status, "pending"),
    inArray(deliveries.channel, [...due.channels]),
    due.skipTargets.length > 0 ? notInArray(deliveries.target, [...due.skipTargets]) : undefined,
    or(
      and(eq(deliveries.attempts, 0), lte(deliveries.nextAttemptAt, due.firstDueBy)),
      and(gt(deliveries.attempts, 0), lte(deliveries.nextAttemptAt, due.retryDueBy)),
    ),
  );
}

/** Lease and load in one statement: the leased rows come back from the UPDATE, joined to what they refer to. */
async function lease(db: Db, dashboardId: string, due: DueRows, limit: number, leaseUntil: Date): Promise<ClaimedRow[]> {
  const mine = eq(deliveries.dashboardId, dashboardId);
  const picked = db.$with("picked").as(
    db
      .select({ id: deliveries.id, dueAt: deliveries.nextAttemptAt })
      .from(deliveries)
      .where(and(mine, isDue(due)))
      .orderBy(asc(deliveries.nextAttemptAt))
      .limit(limit)
      // Concurrent claims on other nodes pass over each other's rows instead of queueing behind them.
      .for("update", { skipLocked: true }),
  );
  const leased = db.$with("leased").as(
    db
      .update(deliveries)
      .set({ nextAttemptAt: leaseUntil })
      .where(and(mine, inArray(deliveries.id, db.select({ id: picked.id }).from(picked))))
      .returning({
        id: deliveries.id,
        dashboardId: deliveries.dashboardId,
        subscriptionId: deliveries.subscriptionId,
        seq: deliveries.seq,
        channel: deliveries.channel,
        target: deliveries.target,
        reason: deliveries.reason,
        attempts: deliveries.attempts,
      }),
  );
  // The main query sees the tables as they were before the UPDATE, which changes none of the joined ones.
  const rows = await db
    .with(picked, leased)
    .select({
      delivery: {
        id: leased.id,
        dashboardId: leased.dashboardId,
        subscriptionId: leased.subscriptionId,
        seq: leased.seq,
        channel: leased.channel,
        target: leased.target,
        reason: leased.reason,
        attempts: leased.attempts,
      },
      event: events,
      subscription: {
        kind: subscriptions.subscriberKind,
        secret: subscriptions.secret,
        fallbackSecret: subscriptions.fallbackSecret,
        enabled: subscriptions.enabled,
        previousSecret: subscriptions.previousSecret,
        previousSecretUntil: subscriptions.previousSecretUntil,
      },
      dashboard: { name: dashboards.name, topN: dashboards.topN },
      ackedSeq: acks.seq,
      diff: snapshots.diff,
    })
    .from(leased)
    .innerJoin(picked, eq(picked.id, leased.id))
    .leftJoin(events, and(eq(events.dashboardId, dashboardId), eq(events.seq, leased.seq)))
    .leftJoin(snapshots, and(eq(snapshots.dashboardId, dashboardId), eq(snapshots.id, events.snapshotId)))
    .leftJoin(subscriptions, and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.id, leased.subscriptionId)))
    .leftJoin(dashboards, eq(dashboards.id, dashboardId))
    .leftJoin(acks, and(eq(subscriptions.subscriberKind, "persona"), eq(acks.persona, subscriptions.subscriberId), eq(acks.dashboardId, dashboardId)))
    // Soonest due first, as they were picked: RETURNING promises no order.
    .orderBy(asc(picked.dueAt));
  return rows.map((r) => ({
    delivery: r.delivery,
    event: r.event ? toLogEntry(r.event, r.event.snapshotId ? { diff: r.diff } : null).event : null,
    subscription: r.subscription,
    dashboard: r.dashboard,
    ackedSeq: r.ackedSeq ?? 0,
  }));
}

/** One UPDATE for all of a dashboard's unsent rows, each row's status and reason picked by its id. */
async function settleUnsent(db: Db, dashboardId: string, leaseUntil: Date, at: Date, rows: readonly UnsentRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const byId = (pick: (r: UnsentRow) => string) =>
    sql`case ${deliveries.id} ${sql.join(
      rows.map((r) => sql`when ${r.id}::uuid then ${pick(r)}`),
      sql` `,
    )} end`;
  const settled = await db
    .update(deliveries)
    .set({
      status: byId((r) => r.status),
      lastError: byId((r) => r.why),
      // Settled rows keep in next_attempt_at the time they settled.
      nextAttemptAt: at,
    })
    .where(
      and(
        eq(deliveries.dashboardId, dashboardId),
        inArray(
          deliveries.id,
          rows.map((r) => r.id),
        ),
        eq(deliveries.status, "pending"),
        eq(deliveries.nextAttemptAt, leaseUntil),
      ),
    )
    .returning({ id: deliveries.id });
  return settled.length;
}
