import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { requireSafeUrl } from "../safe-url.js";
import type { Dashboard, Fallback, QuotaExceeded, Store, Subscription } from "../../store/store.js";
import { isAdmin, type Principal } from "../auth.js";
import { readJson } from "../body.js";
import type { ApiDeps, Env } from "../context.js";
import { HttpProblem, validationProblem } from "../problem.js";
import { validateRuleMembers } from "../rule-members.js";
import { subscriptionCreateSchema, subscriptionPatchSchema, UUID } from "../schemas.js";
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

/** The subscription if this caller owns it or is an admin; another's, like an unknown or malformed id, is 404. */
export async function loadOwnSubscription(store: Store, dashboard: Dashboard, id: string, p: Principal): Promise<Subscription> {
  const found = UUID.test(id) ? await store.getSubscription(dashboard.id, id) : null;
  if (!found || !visibleTo(found, p)) throw new HttpProblem("not-found", "subscription does not exist");
  return found;
}

export function subscriptionRoutes({ store, publish, limits, subscriptionQuota }: ApiDeps) {
  const safeUrl = (url: string, pointer: string) => requireSafeUrl(url, pointer, limits.webhookAllowPrivate);

  return new Hono<Env>()
    .post("/:id/subscriptions", async (c) => {
      const principal = c.get("principal");
      const dashboard = await loadDashboard(store, c.req.param("id"));
      const body = parseOrThrow(subscriptionCreateSchema, (await readJson(c)).value);
      const members = validateRuleMembers(body, dashboard.top_n);

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
          threshold_json: members.rule!,
          baseline: members.baseline,
          lifecycle: members.lifecycle,
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
    .patch("/:id/subscriptions/:sub_id", async (c) => {
      const principal = c.get("principal");
      const dashboard = await loadDashboard(store, c.req.param("id"));
      const found = await loadOwnSubscription(store, dashboard, c.req.param("sub_id"), principal);
      const body = parseOrThrow(subscriptionPatchSchema, (await readJson(c)).value);
      const members = validateRuleMembers(body, dashboard.top_n);
      if (body.fallback && found.subscriber_kind !== "persona") {
        throw validationProblem([{ pointer: "/fallback", detail: "only persona subscriptions take a fallback" }]);
      }
      if (body.fallback?.webhook_url !== undefined) safeUrl(body.fallback.webhook_url, "/fallback/webhook_url");
      const updated = await store.updateSubscription(
        dashboard.id,
        found.id,
        { threshold_json: members.rule, baseline: members.baseline, lifecycle: members.lifecycle, fallback: body.fallback, enabled: body.enabled },
        principal.sub,
        newSecret(),
      );
      if (!updated) throw new HttpProblem("not-found", "subscription does not exist");
      if (updated.entries.length > 0) publish(updated.entries);
      return c.json({ ...updated.subscription, ...(updated.fallback_secret ? { fallback_secret: updated.fallback_secret } : {}) }, 200);
    })
    .delete("/:id/subscriptions/:sub_id", async (c) => {
      const principal = c.get("principal");
      const dashboard = await loadDashboard(store, c.req.param("id"));
      const id = c.req.param("sub_id");
      await loadOwnSubscription(store, dashboard, id, principal);
      const entries = await store.deleteSubscription(dashboard.id, id, principal.sub);
      if (!entries) throw new HttpProblem("not-found", "subscription does not exist");
      publish(entries);
      return c.body(null, 204);
    });
}
