// Creating and deleting a subscription: under the dashboard's row lock, like every change that appends to
// the log (a PATCH is subscription-update.ts).
import { randomUUID } from "node:crypto";
import { and, count, eq, sql } from "drizzle-orm";
import { redactSubscription } from "../core/redact.js";
import type { LogEntry } from "../protocol/event.js";
import type { Db } from "./database.js";
import { lockDashboard } from "./dashboard-lock.js";
import { appendEvents } from "./event-log.js";
import { toSubscription } from "./mappers.js";
import { failure, ok, type NotFound, type Result } from "./result.js";
import { subscriptions } from "./schema.js";
import type { CreatedSubscription, QuotaExceeded, SubscriptionInput, SubscriptionQuota, SubscriptionSecrets } from "./store.js";

/** Without a quota the answer is always ok: only a quota refuses a create. */
export async function createSubscription(
  db: Db,
  input: SubscriptionInput,
  secrets: SubscriptionSecrets,
  actor: string,
  quota: SubscriptionQuota | undefined,
  now: () => Date,
): Promise<Result<CreatedSubscription, QuotaExceeded>> {
  return db.transaction(async (tx) => {
    const dashboard = await lockDashboard(tx, input.dashboard_id);
    if (!dashboard) throw new Error(`dashboard ${input.dashboard_id} vanished`);
    // Counted under the row lock every create takes first, so concurrent creates at quota − 1 make one.
    if (quota) {
      const [held] = await tx
        .select({ all: count(), mine: count(sql`case when ${subscriptions.owner} = ${input.owner} then 1 end`) })
        .from(subscriptions)
        .where(eq(subscriptions.dashboardId, input.dashboard_id));
      if (held!.all >= quota.perDashboard) return { ok: false, error: "quota-exceeded", scope: "dashboard", limit: quota.perDashboard };
      if (held!.mine >= quota.perOwner) return { ok: false, error: "quota-exceeded", scope: "owner", limit: quota.perOwner };
    }
    const at = now();
    const [row] = await tx
      .insert(subscriptions)
      .values({
        id: randomUUID(),
        dashboardId: input.dashboard_id,
        subscriberKind: input.subscriber_kind,
        subscriberId: input.subscriber_id,
        thresholdJson: input.threshold_json,
        fallback: input.fallback,
        baseline: input.baseline ?? null,
        lifecycle: input.lifecycle ?? null,
        owner: input.owner,
        secret: secrets.secret,
        fallbackSecret: secrets.fallback_secret,
        createdAt: at,
      })
      .returning();
    const subscription = toSubscription(row!);
    const data = { ...redactSubscription(subscription) };
    const entries = await appendEvents(tx, dashboard.id, dashboard.headSeq, [{ kind: "subscription.created", data }], actor, at);
    return ok({ subscription, entries });
  });
}

/** The subscription.deleted entry. */
export async function deleteSubscription(db: Db, dashboardId: string, id: string, actor: string, now: () => Date): Promise<Result<LogEntry[], NotFound>> {
  return db.transaction(async (tx) => {
    const dashboard = await lockDashboard(tx, dashboardId);
    if (!dashboard) return failure("not-found");
    const deleted = await tx
      .delete(subscriptions)
      .where(and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.id, id)))
      .returning({ id: subscriptions.id });
    if (deleted.length === 0) return failure("not-found");
    return ok(await appendEvents(tx, dashboardId, dashboard.headSeq, [{ kind: "subscription.deleted", data: { subscription_id: id } }], actor, now()));
  });
}
