// One attempt's result, written in one transaction: the delivery row (fenced by its lease), the ledger's
// attempt row, and the endpoint's failure run. A webhook subscription whose run has lasted
// WEBHOOK_DISABLE_AFTER_MS is then disabled in a second transaction that takes the dashboard lock first,
// as every append does (taking it after the subscription row could deadlock against an ingest).
import { and, eq, lte, ne, sql } from "drizzle-orm";
import type { LogEntry } from "../protocol/event.js";
import type { Db, Tx } from "../store/database.js";
import { appendEvents } from "../store/event-log.js";
import { dashboards, deliveries, deliveryAttempts, subscriptions } from "../store/schema.js";

/** The ledger keeps this much of an error: enough to read the cause, bounded whatever the endpoint says. */
export const ATTEMPT_ERROR_MAX = 500;

export interface AttemptRecord {
  dashboardId: string;
  deliveryId: string;
  subscriptionId: string;
  /** Only a webhook subscription's own endpoint is disabled; fallbacks and email are retried by their schedule. */
  disablesEndpoint: boolean;
  leaseUntil: Date;
  at: Date;
  n: number;
  outcome: "delivered" | "failed";
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The delivery row's new state. */
  set: Partial<typeof deliveries.$inferInsert>;
}

export interface SettledAttempt {
  /** false: the lease ran out and another node owns the row now; nothing was written. */
  won: boolean;
  /** The endpoint's failure run has lasted long enough: disableEndpoint should run. */
  overdue: boolean;
}

export async function settleAttempt(db: Db, r: AttemptRecord, disableAfterMs: number): Promise<SettledAttempt> {
  const nothing = { won: true, overdue: false };
  return db.transaction(async (tx) => {
    const won = await tx
      .update(deliveries)
      .set(r.set)
      .where(and(eq(deliveries.dashboardId, r.dashboardId), eq(deliveries.id, r.deliveryId), eq(deliveries.status, "pending"), eq(deliveries.nextAttemptAt, r.leaseUntil)))
      .returning({ id: deliveries.id });
    if (won.length === 0) return { won: false, overdue: false };
    await tx.insert(deliveryAttempts).values({
      dashboardId: r.dashboardId,
      deliveryId: r.deliveryId,
      n: r.n,
      at: r.at,
      outcome: r.outcome,
      statusCode: r.statusCode,
      error: r.error === null ? null : r.error.slice(0, ATTEMPT_ERROR_MAX),
      durationMs: Math.max(0, Math.round(r.durationMs)),
    });
    if (!r.disablesEndpoint) return nothing;
    const mine = and(eq(subscriptions.dashboardId, r.dashboardId), eq(subscriptions.id, r.subscriptionId));
    if (r.outcome === "delivered") {
      await tx.update(subscriptions).set({ failingSince: null }).where(mine);
      return nothing;
    }
    const [run] = await tx
      .update(subscriptions)
      .set({ failingSince: sql`coalesce(${subscriptions.failingSince}, ${r.at.toISOString()}::timestamptz)` })
      .where(mine)
      .returning({ failingSince: subscriptions.failingSince, enabled: subscriptions.enabled });
    if (!run?.enabled || !run.failingSince || disableAfterMs === 0) return nothing;
    return { won: true, overdue: r.at.getTime() - run.failingSince.getTime() >= disableAfterMs };
  });
}

/**
 * Disables the endpoint: what it still has pending is cancelled (it would only fail on, and a re-enabled
 * endpoint should not get a burst of stale alerts), and the attempt that tipped it over ends failed.
 */
export async function disableEndpoint(db: Db, r: AttemptRecord, disableAfterMs: number): Promise<LogEntry[]> {
  return db.transaction((tx) => disable(tx, r, disableAfterMs));
}

async function disable(tx: Tx, r: AttemptRecord, disableAfterMs: number): Promise<LogEntry[]> {
  const [dashboard] = await tx.select().from(dashboards).where(eq(dashboards.id, r.dashboardId)).for("update");
  if (!dashboard) return [];
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
  if (turned.length === 0) return [];
  await tx
    .update(deliveries)
    .set({ status: "failed", nextAttemptAt: r.at })
    .where(and(eq(deliveries.dashboardId, r.dashboardId), eq(deliveries.id, r.deliveryId), eq(deliveries.status, "pending"), eq(deliveries.nextAttemptAt, r.set.nextAttemptAt ?? r.at)));
  await tx
    .update(deliveries)
    .set({ status: "cancelled", lastError: "the endpoint was disabled after failing too long", nextAttemptAt: r.at })
    .where(
      and(
        eq(deliveries.dashboardId, r.dashboardId),
        eq(deliveries.subscriptionId, r.subscriptionId),
        eq(deliveries.status, "pending"),
        ne(deliveries.id, r.deliveryId),
      ),
    );
  return appendEvents(tx, r.dashboardId, dashboard.headSeq, [{ kind: "subscription.disabled", data: { subscription_id: r.subscriptionId } }], "system:delivery", r.at);
}

