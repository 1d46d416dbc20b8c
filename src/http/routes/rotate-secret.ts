// POST .../subscriptions/:sub_id/rotate-secret (CONTRACT "Subscriptions, version 2"): a new whsec_ secret,
// shown once here; the old one keeps signing beside it for 24 h. Only webhook subscriptions have a secret
// of their own to rotate: a persona or email subscription answers 409.
import { Hono } from "hono";
import type { ApiDeps, Env } from "../context.js";
import { dashboardFromPath, ownSubscriptionFromPath } from "../middleware.js";
import { HttpProblem } from "../problem.js";
import { newSecret } from "../subscription-secret.js";

export function rotateSecretRoutes({ store }: ApiDeps) {
  return new Hono<Env>().post("/:id/subscriptions/:sub_id/rotate-secret", dashboardFromPath(store), ownSubscriptionFromPath(store), async (c) => {
    const dashboard = c.get("dashboard");
    const found = c.get("subscription");
    if (found.subscriber_kind !== "webhook") {
      throw new HttpProblem("conflict", `a ${found.subscriber_kind} subscription has no secret to rotate (a fallback's secret is not rotated)`);
    }
    const secret = newSecret();
    if (!(await store.rotateSecret(dashboard.id, found.id, secret)).ok) throw new HttpProblem("not-found", "subscription does not exist");
    return c.json({ secret });
  });
}
