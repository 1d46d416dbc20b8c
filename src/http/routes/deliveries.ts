// The delivery ledger over HTTP (CONTRACT "Delivery ledger"): where alerts went, page by page, and a hand
// retry of a failed delivery. Non-admins see the deliveries of the subscriptions they own; anyone else's
// are not-found, not forbidden, as with subscriptions.
import { Hono } from "hono";
import { MAX_ATTEMPTS_PER_DELIVERY } from "../../store/delivery-ledger.js";
import { ownerScope, ownsOrAdmin } from "../auth.js";
import type { ApiDeps, Env } from "../context.js";
import { dashboardFromPath } from "../middleware.js";
import { DEFAULT_MAX_PAGE_BYTES, entriesBudget } from "../page-bytes.js";
import { HttpProblem } from "../problem.js";
import { deliveriesQuerySchema, UUID } from "../schemas.js";
import { parseQuery } from "../validate.js";

export function deliveryRoutes({ store, kickDelivery, maxPageBytes = DEFAULT_MAX_PAGE_BYTES }: ApiDeps) {
  return new Hono<Env>()
    .get("/:id/deliveries", dashboardFromPath(store), async (c) => {
      const dashboard = c.get("dashboard");
      const q = parseQuery(deliveriesQuerySchema, c.req.query());
      const principal = c.get("principal");
      const page = await store.listDeliveries(dashboard.id, {
        owner: ownerScope(principal),
        subscriptionId: q.subscription_id,
        seq: q.seq,
        status: q.status,
        after: q.after,
        limit: q.limit,
        // Bounded in bytes as well as in count, as the events page is: a page cut by either goes on after its
        // last delivery, and one delivery larger than the bound comes alone.
        maxBytes: entriesBudget(maxPageBytes, q.limit),
      });
      const { deliveries } = page;
      return c.json({ deliveries, next_after: page.more ? deliveries[deliveries.length - 1]!.id : null });
    })
    .post("/:id/deliveries/:delivery_id/retry", dashboardFromPath(store), async (c) => {
      const dashboard = c.get("dashboard");
      const id = c.req.param("delivery_id");
      const principal = c.get("principal");
      const found = UUID.test(id) ? await store.getDelivery(dashboard.id, id) : null;
      if (!found || !ownsOrAdmin(principal, found.owner)) {
        throw new HttpProblem("not-found", "delivery does not exist");
      }
      const retried = await store.retryDelivery(dashboard.id, id);
      if (retried.ok) {
        kickDelivery?.();
        return c.json(retried.value);
      }
      switch (retried.error) {
        case "not-found":
          throw new HttpProblem("not-found", "delivery does not exist");
        case "conflict":
          throw new HttpProblem("conflict", `only a failed delivery can be retried (this one is ${found.delivery.status})`);
        case "disabled":
          throw new HttpProblem("conflict", "the subscription is disabled: PATCH enabled: true first");
        case "spent":
          throw new HttpProblem("conflict", `a delivery takes at most ${MAX_ATTEMPTS_PER_DELIVERY} attempts`);
        default:
          return retried satisfies never;
      }
    });
}
