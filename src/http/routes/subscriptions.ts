import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { validateRule } from "../../core/rules.js";
import type { Rule } from "../../core/types.js";
import { requireSafeUrl } from "../safe-url.js";
import type { Fallback, QuotaExceeded, Subscription } from "../../store/store.js";
import { isAdmin, type Principal } from "../auth.js";
import { readJson } from "../body.js";
import type { ApiDeps, Env } from "../context.js";
import { HttpProblem, validationProblem } from "../problem.js";
import { subscriptionCreateSchema } from "../schemas.js";
import { parseOrThrow } from "../validate.js";
import { loadDashboard } from "./dashboards.js";

/** Standard Webhooks secret: "whsec_" and base64 of 24 random bytes. */
const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

const quotaProblem = (q: QuotaExceeded, dashboardId: string, owner: string) =>
  new HttpProblem(
    "quota-exceeded",
    q.scope === "dashboard"
      ? `dashboard ${dashboardId} already holds ${q.limit} subscriptions (MAX_SUBSCRIPTIONS_PER_DASHBOARD); nothing was created`
      : `${owner} already owns ${q.limit} subscriptions on dashboard ${dashboardId} (MAX_SUBSCRIPTIONS_PER_OWNER); nothing was created`,
  );

const visibleTo = (s: Subscription, p: Principal) => isAdmin(p) || s.owner === p.sub;

export function subscriptionRoutes({ store, publish, limits, subscriptionQuota }: ApiDeps) {
  const safeUrl = (url: string, pointer: string) => requireSafeUrl(url, pointer, limits.webhookAllowPrivate);

  return new Hono<Env>()
    .post("/:id/subscriptions", async (c) => {
      const principal = c.get("principal");
      const dashboard = await loadDashboard(store, c.req.param("id"));
      const body = parseOrThrow(subscriptionCreateSchema, (await readJson(c)).value);
      const rule = validateRule(body.threshold_json, dashboard.top_n);
      if (!rule.ok) throw validationProblem(rule.issues);

      if (body.subscriber_kind === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.subscriber_id)) {
        throw validationProblem([{ pointer: "/subscriber_id", detail: "must be an email address" }]);
      }
      if (body.fallback && body.subscriber_kind !== "persona") {
        throw validationProblem([{ pointer: "/fallback", detail: "only persona subscriptions take a fallback" }]);
      }
      if (body.subscriber_kind === "persona" && body.subscriber_id !== principal.sub && !isAdmin(principal)) {
        throw new HttpProblem("forbidden", "a persona subscription may only be created for yourself");
      }
      if (body.subscriber_kind === "webhook") safeUrl(body.subscriber_id, "/subscriber_id");
      if (body.fallback?.webhook_url !== undefined) safeUrl(body.fallback.webhook_url, "/fallback/webhook_url");

      const secret = body.subscriber_kind === "webhook" ? newSecret() : null;
      const fallbackSecret = body.fallback?.webhook_url !== undefined ? newSecret() : null;
      const fallback: Fallback | null = body.fallback ?? null;
      const created = await store.createSubscription(
        {
          dashboard_id: dashboard.id,
          subscriber_kind: body.subscriber_kind,
          subscriber_id: body.subscriber_id,
          threshold_json: rule.rule as Rule,
          fallback,
          owner: principal.sub,
        },
        { secret, fallback_secret: fallbackSecret },
        principal.sub,
        subscriptionQuota,
      );
      if ("error" in created) throw quotaProblem(created, dashboard.id, principal.sub);
      const { subscription, entries } = created;
      publish(entries);
      return c.json(
        { ...subscription, ...(secret ? { secret } : {}), ...(fallbackSecret ? { fallback_secret: fallbackSecret } : {}) },
        201,
      );
    })
    .get("/:id/subscriptions", async (c) => {
      const principal = c.get("principal");
      const dashboard = await loadDashboard(store, c.req.param("id"));
      const subscriptions = await store.listSubscriptions(dashboard.id, isAdmin(principal) ? null : principal.sub);
      return c.json({ subscriptions });
    })
    .delete("/:id/subscriptions/:sub_id", async (c) => {
      const principal = c.get("principal");
      const dashboard = await loadDashboard(store, c.req.param("id"));
      const id = c.req.param("sub_id");
      const found = /^[0-9a-f-]{36}$/i.test(id) ? await store.getSubscription(dashboard.id, id) : null;
      if (!found || !visibleTo(found, principal)) throw new HttpProblem("not-found", "subscription does not exist");
      const entries = await store.deleteSubscription(dashboard.id, id, principal.sub);
      if (!entries) throw new HttpProblem("not-found", "subscription does not exist");
      publish(entries);
      return c.body(null, 204);
    });
}
