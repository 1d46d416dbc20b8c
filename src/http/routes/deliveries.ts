// The delivery ledger over HTTP (CONTRACT "Delivery ledger"): where alerts went, page by page, and a hand
// retry of a failed delivery. Non-admins see the deliveries of the subscriptions they own; anyone else's
// are not-found, not forbidden, as with subscriptions.
import { Hono } from "hono";
import { z } from "zod";
import { MAX_ATTEMPTS_PER_DELIVERY, type Delivery } from "../../store/delivery-ledger.js";
import type { Store } from "../../store/store.js";
import { isAdmin, type Principal } from "../auth.js";
import type { ApiDeps, Env } from "../context.js";
import { HttpProblem } from "../problem.js";
import { parseQuery } from "../validate.js";
import { loadDashboard } from "./dashboards.js";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = z.string().regex(UUID, "must be a UUID");

export const deliveriesQuerySchema = z.object({
  subscription_id: uuid.optional(),
  seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  status: z.enum(["pending", "delivered", "failed", "cancelled"]).optional(),
  after: uuid.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The deliveries of one alert as this caller may see them: every one for admins, else those of their subscriptions. */
export async function visibleDeliveries(store: Store, dashboardId: string, p: Principal, seq: number): Promise<Delivery[]> {
  // One alert has at most two deliveries (direct, or a fallback's webhook and email): the bound is generous.
  return store.listDeliveries(dashboardId, { owner: isAdmin(p) ? null : p.sub, seq, limit: 1000 });
}

export function deliveryRoutes({ store, kickDelivery }: ApiDeps) {
  return new Hono<Env>()
    .get("/:id/deliveries", async (c) => {
      const dashboard = await loadDashboard(store, c.req.param("id"));
      const q = parseQuery(deliveriesQuerySchema, c.req.query());
      const principal = c.get("principal");
      const deliveries = await store.listDeliveries(dashboard.id, {
        owner: isAdmin(principal) ? null : principal.sub,
        subscriptionId: q.subscription_id,
        seq: q.seq,
        status: q.status,
        after: q.after,
        limit: q.limit,
      });
      // A full page may have more after it; a short one is the end.
      const next = deliveries.length === q.limit ? deliveries[deliveries.length - 1]!.id : null;
      return c.json({ deliveries, next_after: next });
    })
    .post("/:id/deliveries/:delivery_id/retry", async (c) => {
      const dashboard = await loadDashboard(store, c.req.param("id"));
      const id = c.req.param("delivery_id");
      const principal = c.get("principal");
      const found = UUID.test(id) ? await store.getDelivery(dashboard.id, id) : null;
      if (!found || !(isAdmin(principal) || (found.owner !== null && found.owner === principal.sub))) {
        throw new HttpProblem("not-found", "delivery does not exist");
      }
      const retried = await store.retryDelivery(dashboard.id, id);
      switch (retried) {
        case "not-found":
          throw new HttpProblem("not-found", "delivery does not exist");
        case "conflict":
          throw new HttpProblem("conflict", `only a failed delivery can be retried (this one is ${found.delivery.status})`);
        case "disabled":
          throw new HttpProblem("conflict", "the subscription is disabled: PATCH enabled: true first");
        case "spent":
          throw new HttpProblem("conflict", `a delivery takes at most ${MAX_ATTEMPTS_PER_DELIVERY} attempts`);
        default:
          kickDelivery?.();
          return c.json(retried);
      }
    });
}
