// POST .../subscriptions/:sub_id/rotate-secret (CONTRACT "Subscriptions, version 2"): a new whsec_ secret,
// shown once here; the old one keeps signing beside it for 24 h. Only webhook subscriptions have a secret
// of their own to rotate: a persona or email subscription answers 409.
import { Hono } from "hono";
import { isAdmin } from "../auth.js";
import type { ApiDeps, Env } from "../context.js";
import { HttpProblem } from "../problem.js";
import { loadDashboard } from "./dashboards.js";
import { UUID } from "./deliveries.js";
import { newSecret } from "./subscription-secret.js";

export function rotateSecretRoutes({ store }: ApiDeps) {
  return new Hono<Env>().post("/:id/subscriptions/:sub_id/rotate-secret", async (c) => {
    const principal = c.get("principal");
    const dashboard = await loadDashboard(store, c.req.param("id"));
    const id = c.req.param("sub_id");
    const found = UUID.test(id) ? await store.getSubscription(dashboard.id, id) : null;
    if (!found || !(isAdmin(principal) || found.owner === principal.sub)) throw new HttpProblem("not-found", "subscription does not exist");
    if (found.subscriber_kind !== "webhook") {
      throw new HttpProblem("conflict", `a ${found.subscriber_kind} subscription has no secret to rotate (a fallback's secret is not rotated)`);
    }
    const secret = newSecret();
    if (!(await store.rotateSecret(dashboard.id, id, secret))) throw new HttpProblem("not-found", "subscription does not exist");
    return c.json({ secret });
  });
}
