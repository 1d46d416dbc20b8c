// Hono middleware for what routes check before their handler: the role a route needs and the dashboard
// its path names. Handlers then read `c.get("dashboard")` instead of reaching into routes/dashboards.ts.
// The checks themselves still live in routes/dashboards.ts (requirePublisher, loadDashboard), where the
// other routes call them; they move here once every route uses this module.
import { createMiddleware } from "hono/factory";
import type { Dashboard, Store } from "../store/store.js";
import type { Env } from "./context.js";
import { loadDashboard, requirePublisher } from "./routes/dashboards.js";

/** A route's context once `dashboardFromPath` has run. */
export interface DashboardEnv {
  Variables: Env["Variables"] & { dashboard: Dashboard };
}

/** 403 unless the caller has the publisher or admin role. */
export const publishersOnly = createMiddleware<Env>(async (c, next) => {
  requirePublisher(c.get("principal"));
  await next();
});

/** Reads the dashboard of the path's `:id` once (404 when there is none) and hands it to the handler. */
export const dashboardFromPath = (store: Store) =>
  createMiddleware<DashboardEnv>(async (c, next) => {
    c.set("dashboard", await loadDashboard(store, c.req.param("id") ?? ""));
    await next();
  });
