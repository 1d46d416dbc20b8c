import { describe, expect, it } from "vitest";
import { stateOf } from "../helpers/fixtures.js";
import { useDashboardApp } from "../helpers/use-dashboard-app.js";

const app = useDashboardApp("subs", ["alice", "bob"]);

const create = (token: string, body: unknown) => app.t.call("POST", "/api/dashboard/subs/subscriptions", { token, body });
const rule = { set_added_min: 1 };

describe("subscriptions", () => {
  it("lets a persona subscribe itself but not another persona", async () => {
    const own = await create(app.alice, { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: rule });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ dashboard_id: "subs", subscriber_kind: "persona", subscriber_id: "alice", owner: "alice", last_notified_snapshot_id: null, fallback: null });
    expect(own.body).not.toHaveProperty("secret");
    const before = await stateOf(app.t, app.admin, "subs");
    expect((await create(app.alice, { subscriber_kind: "persona", subscriber_id: "bob", threshold_json: rule })).status).toBe(403);
    expect(await stateOf(app.t, app.admin, "subs")).toEqual(before);
    expect((await create(app.admin, { subscriber_kind: "persona", subscriber_id: "bob", threshold_json: rule })).status).toBe(201);
  });

  it("returns a whsec_ secret once for webhooks and refuses unsafe URLs", async () => {
    const hook = await create(app.bob, { subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com/dw", threshold_json: rule });
    expect(hook.status).toBe(201);
    expect(hook.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const listed = await app.t.call("GET", "/api/dashboard/subs/subscriptions", { token: app.bob });
    expect(listed.body.subscriptions.every((s: object) => !("secret" in s))).toBe(true);
    for (const url of ["http://hooks.example.com/x", "https://127.0.0.1/x", "https://localhost/x", "https://10.1.2.3/", "https://[::1]/x", "ftp://x.example.com"]) {
      const res = await create(app.bob, { subscriber_kind: "webhook", subscriber_id: url, threshold_json: rule });
      expect(res.status, url).toBe(422);
      expect(res.body.type).toMatch(/\/unsafe-url$/);
    }
  });

  it("validates email addresses, rules and fallbacks with pointers", async () => {
    const badEmail = await create(app.bob, { subscriber_kind: "email", subscriber_id: "not-an-email", threshold_json: rule });
    expect(badEmail.body.errors[0].pointer).toBe("/subscriber_id");
    const badRule = await create(app.bob, { subscriber_kind: "email", subscriber_id: "bob@example.com", threshold_json: { and: [rule, { value_delta_pct: -1, on_field: "score" }] } });
    expect(badRule.status).toBe(422);
    expect(badRule.body.errors[0].pointer).toBe("/threshold_json/and/1/value_delta_pct");
    const fallbackOnEmail = await create(app.bob, { subscriber_kind: "email", subscriber_id: "bob@example.com", threshold_json: rule, fallback: { after_ms: 5000, email: "b@example.com" } });
    expect(fallbackOnEmail.body.errors[0].pointer).toBe("/fallback");
    const fallback = await create(app.bob, { subscriber_kind: "persona", subscriber_id: "bob", threshold_json: rule, fallback: { after_ms: 5000, webhook_url: "https://hooks.example.com/fb", email: "b@example.com" } });
    expect(fallback.status).toBe(201);
    expect(fallback.body.fallback_secret).toMatch(/^whsec_/);
    const tooSoon = await create(app.bob, { subscriber_kind: "persona", subscriber_id: "bob", threshold_json: rule, fallback: { after_ms: 10, email: "b@example.com" } });
    expect(tooSoon.body.errors[0].pointer).toBe("/fallback/after_ms");
  });

  it("lists own subscriptions, all for app.admin; deletes own, 404 for another's", async () => {
    const mine = await create(app.alice, { subscriber_kind: "email", subscriber_id: "alice@example.com", threshold_json: rule });
    const bobs = (await app.t.call("GET", "/api/dashboard/subs/subscriptions", { token: app.bob })).body.subscriptions;
    expect(bobs.every((s: { owner: string }) => s.owner === "bob")).toBe(true);
    const all = (await app.t.call("GET", "/api/dashboard/subs/subscriptions", { token: app.admin })).body.subscriptions;
    expect(all.length).toBeGreaterThan(bobs.length);
    expect((await app.t.call("DELETE", `/api/dashboard/subs/subscriptions/${mine.body.id}`, { token: app.bob })).status).toBe(404);
    expect((await app.t.call("DELETE", `/api/dashboard/subs/subscriptions/${mine.body.id}`, { token: app.alice })).status).toBe(204);
    expect((await app.t.call("DELETE", `/api/dashboard/subs/subscriptions/${mine.body.id}`, { token: app.alice })).status).toBe(404);
    const events = await app.t.call("GET", "/api/dashboard/subs/events?kinds=subscription.deleted", { token: app.admin });
    expect(events.body.events.at(-1).data).toEqual({ subscription_id: mine.body.id });
  });
});
