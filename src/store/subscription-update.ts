// PATCH of a subscription: under the dashboard's row lock, like every change that appends to the log.
import { and, eq } from "drizzle-orm";
import { redactSubscription } from "../core/redact.js";
import type { Db } from "./database.js";
import { lockDashboard } from "./dashboard-lock.js";
import { appendEvents } from "./event-log.js";
import { toSubscription } from "./mappers.js";
import { failure, ok, type NotFound, type Result } from "./result.js";
import { subscriptions } from "./schema.js";
import type { SubscriptionPatch, UpdatedSubscription } from "./store.js";

/** JSON with sorted keys: jsonb gives stored objects back in its own key order. */
const stable = (v: unknown) =>
  JSON.stringify(v ?? null, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
const same = (a: unknown, b: unknown) => stable(a) === stable(b);

export async function updateSubscription(
  db: Db,
  dashboardId: string,
  id: string,
  patch: SubscriptionPatch,
  actor: string,
  newFallbackSecret: string,
  now: Date,
): Promise<Result<UpdatedSubscription, NotFound>> {
  return db.transaction(async (tx) => {
    const dashboard = await lockDashboard(tx, dashboardId);
    if (!dashboard) return failure("not-found");
    const where = and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.id, id));
    const [row] = await tx.select().from(subscriptions).where(where);
    if (!row) return failure("not-found");
    const current = toSubscription(row);
    const set: Partial<typeof subscriptions.$inferInsert> = {};
    let fallbackSecret: string | null = null;
    if (patch.threshold_json !== undefined && !same(patch.threshold_json, current.threshold_json)) set.thresholdJson = patch.threshold_json;
    if (patch.baseline !== undefined && !same(patch.baseline, current.baseline)) set.baseline = patch.baseline;
    if (patch.lifecycle !== undefined && !same(patch.lifecycle, current.lifecycle)) set.lifecycle = patch.lifecycle;
    // A new rule or lifecycle starts from ok with fresh counts; whatever was firing ends without alert.resolved.
    if ("thresholdJson" in set || "lifecycle" in set) set.lifecycleState = null;
    if (patch.fallback !== undefined && !same(patch.fallback, current.fallback)) {
      set.fallback = patch.fallback;
      // The fallback webhook keeps its secret while it has one; a first one gets a secret, shown in this answer only.
      if (!patch.fallback?.webhook_url) set.fallbackSecret = null;
      else if (!row.fallbackSecret) set.fallbackSecret = fallbackSecret = newFallbackSecret;
    }
    if (patch.enabled !== undefined && patch.enabled !== row.enabled) set.enabled = patch.enabled;
    if (patch.enabled === true && row.failingSince !== null) set.failingSince = null;
    if (Object.keys(set).length === 0) return ok({ subscription: current, entries: [], fallback_secret: null });

    const [updated] = await tx.update(subscriptions).set(set).where(where).returning();
    const subscription = toSubscription(updated!);
    const entries = await appendEvents(tx, dashboardId, dashboard.headSeq, [{ kind: "subscription.updated", data: { ...redactSubscription(subscription) } }], actor, now);
    return ok({ subscription, entries, fallback_secret: fallbackSecret });
  });
}
