import { Hono } from "hono";
import { canPublish, type Principal } from "../auth.js";
import { readJson } from "../body.js";
import type { ApiDeps, Env } from "../context.js";
import { requireSafeSource } from "../../delivery/url-safety.js";
import { HttpProblem, validationProblem } from "../problem.js";
import { DASHBOARD_ID, dashboardCreateSchema, dashboardPatchSchema } from "../schemas.js";
import { parseOrThrow } from "../validate.js";
import type { Dashboard, DashboardSettings, Store } from "../../store/store.js";

export const DEFAULT_SETTINGS: DashboardSettings = {
  name: null,
  id_field: "id",
  rank_by: null,
  top_n: 10,
  primary_metric_field: null,
  metadata: {},
  source_url: null,
};

export function requirePublisher(p: Principal): void {
  if (!canPublish(p)) throw new HttpProblem("forbidden", "this needs the publisher or admin role");
}

/** Unknown and malformed ids alike are 404: a path segment is not a body member to validate. */
export async function loadDashboard(store: Store, id: string): Promise<Dashboard> {
  const dashboard = DASHBOARD_ID.test(id) ? await store.getDashboard(id) : null;
  if (!dashboard) throw new HttpProblem("not-found", `dashboard ${JSON.stringify(id.slice(0, 140))} does not exist`);
  return dashboard;
}

export function dashboardRoutes({ store, limits }: ApiDeps) {
  return new Hono<Env>()
    .post("/", async (c) => {
      requirePublisher(c.get("principal"));
      const body = parseOrThrow(dashboardCreateSchema, (await readJson(c)).value);
      const { id, ...settings } = body;
      requireSafeSource(settings.source_url, limits.webhookAllowPrivate);
      const created = await store.createDashboard(id, { ...DEFAULT_SETTINGS, ...settings });
      if (created === "conflict") throw new HttpProblem("conflict", `dashboard ${id} already exists`);
      return c.json(created, 201);
    })
    .patch("/:id", async (c) => {
      requirePublisher(c.get("principal"));
      const { value } = await readJson(c);
      if (value !== null && typeof value === "object" && "id" in value) {
        throw validationProblem([{ pointer: "/id", detail: "a dashboard's id cannot be changed" }]);
      }
      const patch = parseOrThrow(dashboardPatchSchema, value);
      requireSafeSource(patch.source_url, limits.webhookAllowPrivate);
      await loadDashboard(store, c.req.param("id"));
      const updated = await store.updateDashboard(c.req.param("id"), patch);
      if (updated === "not-found") throw new HttpProblem("not-found", "dashboard does not exist");
      if (updated === "top-n-conflict") {
        throw new HttpProblem("conflict", "a subscription's top_n_reordering rule needs a larger top_n");
      }
      return c.json(updated);
    })
    .get("/:id", async (c) => c.json(await loadDashboard(store, c.req.param("id"))));
}
