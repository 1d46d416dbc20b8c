// One attempt's result, written in one transaction: the delivery row (fenced by its lease), the ledger's
// attempt row, and the endpoint's failure run. A webhook subscription whose run has lasted
// WEBHOOK_DISABLE_AFTER_MS is then disabled in a second transaction that takes the dashboard lock first,
// as every append does (taking it after the subscription row could deadlock against an ingest).
import { and, eq, lte, sql } from "drizzle-orm";
import type { LogEntry } from "../protocol/event.js";
import type { Db } from "./database.js";
import { lockDashboard } from "./dashboard-lock.js";
import { ATTEMPT_ERROR_MAX, type AttemptRecord } from "./delivery-store.js";
import { failure, ok, type Failure, type Result } from "./result.js";
import { appendEvents } from "./event-log.js";
import { deliveries, deliveryAttempts, subscriptions } from "./schema.js";

type Overdue = Result<{ overdue: boolean }, Failure<"lease-lost">>;

export async function recordAttempt(db: Db, r: AttemptRecord, disableAfterMs: number): Promise<Overdue> {
  const notOverdue: Overdue = ok({ overdue: false });
  // Cut once, here: the delivery row's last_error and the ledger's attempt hold the same text.
  const error = r.error === null ? null : r.error.slice(0, ATTEMPT_ERROR_MAX);
  return db.transaction(async (tx): Promise<Overdue> => {
    const won = await tx
      .update(deliveries)
      .set({ ...r.row, lastError: error })
      .where(and(eq(deliveries.dashboardId, r.dashboardId), eq(deliveries.id, r.deliveryId), eq(deliveries.status, "pending"), eq(deliveries.nextAttemptAt, r.leaseUntil)))
      .returning({ id: deliveries.id });
    if (won.length === 0) return failure("lease-lost");
    await tx.insert(deliveryAttempts).values({
      dashboardId: r.dashboardId,
      deliveryId: r.deliveryId,
      n: r.n,
      at: r.at,
      outcome: r.outcome,
      statusCode: r.statusCode,
      error,
      durationMs: Math.max(0, Math.round(r.durationMs)),
    });
    if (!r.disablesEndpoint) return notOverdue;
    const mine = and(eq(subscriptions.dashboardId, r.dashboardId), eq(subscriptions.id, r.subscriptionId));
    if (r.outcome === "delivered") {
      await tx.update(subscriptions).set({ failingSince: null }).where(mine);
      return notOverdue;
    }
    const [run] = await tx
      .update(subscriptions)
      .set({ failingSince: sql`coalesce(${subscriptions.failingSince}, ${r.at.toISOString()}::timestamptz)` })
      .where(mine)
      .returning({ failingSince: subscriptions.failingSince, enabled: subscriptions.enabled });
    if (!run?.enabled || !run.failingSince || disableAfterMs === 0) return notOverdue;
    return ok({ overdue: r.at.getTime() - run.failingSince.getTime() >= disableAfterMs });
  });
}

/**
 * The delivery whose failure tipped the endpoint over ends failed; its other pending deliveries are
 * cancelled by the queue when they next fall due (delivery-plan.ts), not here: one of them may be in flight
 * on another node right now, and its attempt should still be recorded.
 */
export async function disableEndpoint(db: Db, r: AttemptRecord, disableAfterMs: number): Promise<Result<LogEntry[], Failure<"run-cleared" | "dashboard-gone">>> {
  return db.transaction(async (tx) => {
    const dashboard = await lockDashboard(tx, r.dashboardId);
    if (!dashboard) return failure("dashboard-gone");
    // Asked again under the lock: a success or a PATCH enabled:true in between has cleared the run.
    const turned = await tx
      .update(subscriptions)
      .set({ enabled: false })
      .where(
        and(
          eq(subscriptions.dashboardId, r.dashboardId),
          eq(subscriptions.id, r.subscriptionId),
          eq(subscriptions.enabled, true),
          lte(subscriptions.failingSince, new Date(r.at.getTime() - disableAfterMs)),
        ),
      )
      .returning({ id: subscriptions.id });
    if (turned.length === 0) return failure("run-cleared");
    await tx
      .update(deliveries)
      .set({ status: "failed", nextAttemptAt: r.at })
      .where(and(eq(deliveries.dashboardId, r.dashboardId), eq(deliveries.id, r.deliveryId), eq(deliveries.status, "pending"), eq(deliveries.nextAttemptAt, r.row.nextAttemptAt)));
    const appended = await appendEvents(tx, r.dashboardId, dashboard.headSeq, [{ kind: "subscription.disabled", data: { subscription_id: r.subscriptionId } }], "system:delivery", r.at);
    return ok(appended);
  });
}
