// What routes check before their handler, as Hono middleware: the role a route needs, the dashboard its
// path names, and the subscription its path names. Handlers read `c.get("dashboard")` and
// `c.get("subscription")`; no route module reaches into another for these checks.
import { createMiddleware } from "hono/factory";
import type { Dashboard, Store, Subscription } from "../store/store.js";
import { canPublish, ownsOrAdmin } from "./auth.js";
import type { Env } from "./context.js";
import { HttpProblem } from "./problem.js";
import { DASHBOARD_ID, UUID } from "./schemas.js";

/** A route's context once `dashboardFromPath` has run. */
export interface DashboardEnv {
  Variables: Env["Variables"] & { dashboard: Dashboard };
}

/** A route's context once `ownSubscriptionFromPath` has run after `dashboardFromPath`. */
export interface SubscriptionEnv {
  Variables: DashboardEnv["Variables"] & { subscription: Subscription };
}

/** 403 unless the caller has the publisher or admin role; runs before anything is read. */
export const publishersOnly = createMiddleware<Env>(async (c, next) => {
  if (!canPublish(c.get("principal"))) throw new HttpProblem("forbidden", "this needs the publisher or admin role");
  await next();
});

/** Reads the dashboard of the path's `:id` once and hands it to the handler. */
export const dashboardFromPath = (store: Store) =>
  createMiddleware<DashboardEnv>(async (c, next) => {
    const id = c.req.param("id") ?? "";
    // Unknown and malformed ids alike are 404: a path segment is not a body member to validate.
    const dashboard = DASHBOARD_ID.test(id) ? await store.getDashboard(id) : null;
    if (!dashboard) throw new HttpProblem("not-found", `dashboard ${JSON.stringify(id.slice(0, 140))} does not exist`);
    c.set("dashboard", dashboard);
    await next();
  });

/**
 * The path's `:sub_id` on the dashboard `dashboardFromPath` read, if this caller owns it or is an admin.
 * Another's, like an unknown or malformed id, is 404: a subscription's existence is its owner's business.
 */
export const ownSubscriptionFromPath = (store: Store) =>
  createMiddleware<SubscriptionEnv>(async (c, next) => {
    const id = c.req.param("sub_id") ?? "";
    const found = UUID.test(id) ? await store.getSubscription(c.get("dashboard").id, id) : null;
    if (!found || !ownsOrAdmin(c.get("principal"), found.owner)) throw new HttpProblem("not-found", "subscription does not exist");
    c.set("subscription", found);
    await next();
  });
