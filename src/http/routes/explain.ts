// GET /api/dashboard/:id/subscriptions/:sub_id/explain?snapshot_id=S: why a stored snapshot did or did
// not alert a subscription.
import { Hono } from "hono";
import type { ApiDeps, Env } from "../context.js";
import { dashboardFromPath, ownSubscriptionFromPath } from "../middleware.js";
import { HttpProblem } from "../problem.js";
import { explainQuerySchema } from "../schemas.js";
import { parseQuery } from "../validate.js";

export function explainRoutes({ store }: ApiDeps) {
  return new Hono<Env>().get("/:id/subscriptions/:sub_id/explain", dashboardFromPath(store), ownSubscriptionFromPath(store), async (c) => {
    const dashboard = c.get("dashboard");
    const subscription = c.get("subscription");
    const { snapshot_id } = parseQuery(explainQuerySchema, c.req.query());
    const explained = await store.explain(dashboard.id, subscription.id, snapshot_id);
    if (!explained.ok) {
      throw explained.error === "not-found"
        ? new HttpProblem("not-found", `snapshot ${snapshot_id} does not exist on ${dashboard.id}`)
        : new HttpProblem("gone", `the rows of snapshot ${snapshot_id} were pruned by SNAPSHOT_RETENTION_DAYS`);
    }
    return c.json(explained.value, 200);
  });
}
