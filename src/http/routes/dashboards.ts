import { Hono } from "hono";
import { ownsOrAdmin, type Principal } from "../auth.js";
import { readJson } from "../body.js";
import type { ApiDeps, Env } from "../context.js";
import { dashboardFromPath, publishersOnly } from "../middleware.js";
import { HttpProblem, validationProblem } from "../problem.js";
import { requireSafeUrl } from "../safe-url.js";
import { dashboardCreateSchema, dashboardListQuerySchema, dashboardPatchSchema } from "../schemas.js";
import { parseOrThrow, parseQuery } from "../validate.js";
import type { Dashboard, DashboardSettings } from "../../store/store.js";

export const DEFAULT_SETTINGS: DashboardSettings = {
  name: null,
  id_field: "id",
  rank_by: null,
  top_n: 10,
  primary_metric_field: null,
  metadata: {},
  source_url: null,
};

/** A dashboard as this caller may see it: its source_url (a fetchable address, perhaps with a key in it) only to its owner and admins. */
export function dashboardView(dashboard: Dashboard, viewer: Principal): Dashboard {
  return ownsOrAdmin(viewer, dashboard.owner) ? dashboard : { ...dashboard, source_url: null };
}

export function dashboardRoutes({ store, limits, writes }: ApiDeps) {
  const publish = writes.onCommitted;
  return new Hono<Env>()
    .post("/", publishersOnly, async (c) => {
      const principal = c.get("principal");
      const body = parseOrThrow(dashboardCreateSchema, (await readJson(c)).value);
      const { id, ...settings } = body;
      requireSafeUrl(settings.source_url, "/source_url", limits.webhookAllowPrivate);
      const created = await store.createDashboard(id, { ...DEFAULT_SETTINGS, ...settings }, principal.sub);
      if (!created.ok) throw new HttpProblem("conflict", `dashboard ${id} already exists`);
      return c.json(dashboardView(created.value, principal), 201);
    })
    .get("/", async (c) => {
      const q = parseQuery(dashboardListQuerySchema, c.req.query());
      const page = await store.listDashboards(q.after ?? null, q.limit);
      const principal = c.get("principal");
      return c.json({
        dashboards: page.dashboards.map((d) => dashboardView(d, principal)),
        next_after: page.more ? page.dashboards[page.dashboards.length - 1]!.id : null,
      });
    })
    .patch("/:id", publishersOnly, dashboardFromPath(store), async (c) => {
      const principal = c.get("principal");
      const current = c.get("dashboard");
      const { value } = await readJson(c);
      if (value !== null && typeof value === "object" && "id" in value) {
        throw validationProblem([{ pointer: "/id", detail: "a dashboard's id cannot be changed" }]);
      }
      const patch = parseOrThrow(dashboardPatchSchema, value);
      requireSafeUrl(patch.source_url, "/source_url", limits.webhookAllowPrivate);
      // The owner never changes after creation, so this check needs no lock.
      if (!ownsOrAdmin(principal, current.owner)) {
        throw new HttpProblem("forbidden", current.owner === null ? "only an admin may change a dashboard that has no owner" : "only the dashboard's owner or an admin may change it");
      }
      // Journaled: a change appends dashboard.updated ({from, to} per field); no change appends nothing.
      const updated = await store.updateDashboardLogged(current.id, patch, principal.sub);
      if (!updated.ok) {
        throw updated.error === "not-found"
          ? new HttpProblem("not-found", "dashboard does not exist")
          : new HttpProblem("conflict", "a subscription's top_n_reordering rule needs a larger top_n");
      }
      const { dashboard, entries } = updated.value;
      if (entries.length > 0) publish(entries);
      return c.json(dashboardView(dashboard, principal));
    })
    .get("/:id", dashboardFromPath(store), (c) => c.json(dashboardView(c.get("dashboard"), c.get("principal"))));
}
