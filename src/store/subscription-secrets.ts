// Secret rotation: the new secret signs from now on, and the one it replaces keeps signing beside it for the
// overlap, so receivers can switch at their own pace (Standard Webhooks allows several signatures).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./database.js";
import { failure, ok, type NotFound, type Result } from "./result.js";
import { subscriptions } from "./schema.js";

/** CONTRACT "Subscriptions, version 2": 24 h. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** not-found when there is no such webhook subscription. A second rotation within the overlap drops the oldest secret. */
export async function rotateSecret(db: Db, dashboardId: string, id: string, secret: string, at: Date): Promise<Result<void, NotFound>> {
  const rows = await db
    .update(subscriptions)
    .set({ previousSecret: sql`${subscriptions.secret}`, previousSecretUntil: new Date(at.getTime() + ROTATION_OVERLAP_MS), secret })
    .where(and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.id, id), eq(subscriptions.subscriberKind, "webhook")))
    .returning({ id: subscriptions.id });
  return rows.length > 0 ? ok(undefined) : failure("not-found");
}
