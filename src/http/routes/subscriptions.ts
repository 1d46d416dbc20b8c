import { Hono } from "hono";
import { requireSafeUrl } from "../safe-url.js";
import type { Fallback, QuotaExceeded } from "../../store/store.js";
import { isAdmin, ownerScope } from "../auth.js";
import { readJson } from "../body.js";
import type { ApiDeps, Env } from "../context.js";
import { dashboardFromPath, ownSubscriptionFromPath } from "../middleware.js";
import { HttpProblem, validationProblem } from "../problem.js";
import { validateRuleMembers } from "../rule-members.js";
import { subscriptionCreateSchema, subscriptionPatchSchema } from "../schemas.js";
import { newSecret } from "../subscription-secret.js";
import { parseOrThrow } from "../validate.js";

const quotaProblem = (q: QuotaExceeded, dashboardId: string, owner: string) =>
  new HttpProblem(
    "quota-exceeded",
    q.scope === "dashboard"
      ? `dashboard ${dashboardId} already holds ${q.limit} subscriptions (MAX_SUBSCRIPTIONS_PER_DASHBOARD); nothing was created`
      : `${owner} already owns ${q.limit} subscriptions on dashboard ${dashboardId} (MAX_SUBSCRIPTIONS_PER_OWNER); nothing was created`,
  );

export function subscriptionRoutes({ store, writes, limits, subscriptionQuota }: ApiDeps) {
  const publish = writes.onCommitted;
  const safeUrl = (url: string, pointer: string) => requireSafeUrl(url, pointer, limits.webhookAllowPrivate);

  return new Hono<Env>()
    .post("/:id/subscriptions", dashboardFromPath(store), async (c) => {
      const principal = c.get("principal");
      const dashboard = c.get("dashboard");
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
      if (!created.ok) throw quotaProblem(created, dashboard.id, principal.sub);
      const { subscription, entries } = created.value;
      publish(entries);
      return c.json(
        { ...subscription, ...(secret ? { secret } : {}), ...(fallbackSecret ? { fallback_secret: fallbackSecret } : {}) },
        201,
      );
    })
    .get("/:id/subscriptions", dashboardFromPath(store), async (c) => {
      const subscriptions = await store.listSubscriptions(c.get("dashboard").id, ownerScope(c.get("principal")));
      return c.json({ subscriptions });
    })
    .patch("/:id/subscriptions/:sub_id", dashboardFromPath(store), ownSubscriptionFromPath(store), async (c) => {
      const principal = c.get("principal");
      const dashboard = c.get("dashboard");
      const found = c.get("subscription");
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
      if (!updated.ok) throw new HttpProblem("not-found", "subscription does not exist");
      const { subscription, entries, fallback_secret } = updated.value;
      if (entries.length > 0) publish(entries);
      return c.json({ ...subscription, ...(fallback_secret ? { fallback_secret } : {}) }, 200);
    })
    .delete("/:id/subscriptions/:sub_id", dashboardFromPath(store), ownSubscriptionFromPath(store), async (c) => {
      const id = c.get("subscription").id;
      const deleted = await store.deleteSubscription(c.get("dashboard").id, id, c.get("principal").sub);
      if (!deleted.ok) throw new HttpProblem("not-found", "subscription does not exist");
      publish(deleted.value);
      return c.body(null, 204);
    });
}
