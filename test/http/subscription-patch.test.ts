// Subscriptions, version 2: baseline and lifecycle at creation, and PATCH with subscription.updated.
import { describe, expect, it } from "vitest";
import { leaderboard, stateOf } from "../helpers/fixtures.js";
import { useDashboardApp } from "../helpers/use-dashboard-app.js";

const app = useDashboardApp("patch", ["alice", "bob"]);

const path = "/api/dashboard/patch/subscriptions";
const create = (token: string, body: Record<string, unknown>) =>
  app.t.call("POST", path, { token, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { set_added_min: 1 }, ...body } });
const patch = (token: string, id: string, body: unknown) => app.t.call("PATCH", `${path}/${id}`, { token, body });
const post = (scores: Record<string, number>) => app.t.call("POST", "/api/dashboard/patch/snapshot", { token: app.admin, body: { rows: leaderboard(scores) } });

describe("subscription baseline and lifecycle", () => {
  it("shows the defaults: baseline previous, no lifecycle, no state, enabled", async () => {
    const res = await create(app.alice, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ baseline: "previous", lifecycle: null, state: null, enabled: true });
  });

  it("normalizes a lifecycle and shows the state of a resolving one", async () => {
    const res = await create(app.alice, { baseline: "last_notified", lifecycle: { resolve: true } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      baseline: "last_notified",
      lifecycle: { for_snapshots: 1, resolve: true, resolve_after_snapshots: 1, cooldown_ms: 0 },
      state: "ok",
    });
    const other = await create(app.alice, { baseline: { at_offset_ms: 3_600_000 }, lifecycle: { for_snapshots: 2 } });
    expect(other.body).toMatchObject({ baseline: { at_offset_ms: 3_600_000 }, state: null });
  });

  it("refuses a bad baseline or lifecycle with pointers and creates nothing", async () => {
    const before = await stateOf(app.t, app.admin, "patch");
    const res = await create(app.alice, { baseline: { at_offset_ms: -5 }, lifecycle: { for_snapshots: 0 } });
    expect(res.status).toBe(422);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/lifecycle/for_snapshots"]));
    expect(pointers.some((p: string) => p.startsWith("/baseline"))).toBe(true);
    expect((await create(app.alice, { lifecycle: { for_snapshots: 101 } })).body.errors[0].pointer).toBe("/lifecycle/for_snapshots");
    expect((await create(app.alice, { baseline: "yesterday" })).body.errors[0].pointer).toMatch(/^\/baseline/);
    expect(await stateOf(app.t, app.admin, "patch")).toEqual(before);
  });
});

describe("PATCH a subscription", () => {
  it("changes what it names, appends subscription.updated and publishes it", async () => {
    const sub = (await create(app.alice, {})).body;
    const published = app.t.published.length;
    const res = await patch(app.alice, sub.id, { threshold_json: { set_removed_min: 2 }, baseline: "last_notified" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sub.id, threshold_json: { set_removed_min: 2 }, baseline: "last_notified" });
    const fresh = app.t.published.slice(published);
    expect(fresh.map((e) => e.event.kind)).toEqual(["subscription.updated"]);
    expect(fresh[0]!.event.data).toMatchObject({ id: sub.id, threshold_json: { set_removed_min: 2 }, baseline: "last_notified" });
    expect(fresh[0]!.event.actor).toBe("alice");
    const log = await app.t.call("GET", `/api/dashboard/patch/events?kinds=subscription.updated`, { token: app.admin });
    expect(log.body.events.at(-1).seq).toBe(fresh[0]!.event.seq);
  });

  it("answers 200 and appends nothing for a PATCH that changes nothing", async () => {
    const sub = (await create(app.alice, { baseline: "previous" })).body;
    const before = await stateOf(app.t, app.admin, "patch");
    const res = await patch(app.alice, sub.id, { threshold_json: { set_added_min: 1 }, baseline: "previous", enabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(sub);
    expect(await stateOf(app.t, app.admin, "patch")).toEqual(before);
  });

  it("refuses bad and unknown members, and an empty body, changing nothing", async () => {
    const sub = (await create(app.alice, {})).body;
    const before = await stateOf(app.t, app.admin, "patch");
    const cases: [unknown, string][] = [
      [{}, ""],
      [{ name: "x" }, "/name"],
      [{ threshold_json: { set_added_min: 0 } }, "/threshold_json/set_added_min"],
      [{ lifecycle: { for_snapshots: 0 } }, "/lifecycle/for_snapshots"],
      [{ enabled: "yes" }, "/enabled"],
      [{ fallback: { after_ms: 10, email: "a@example.com" } }, "/fallback/after_ms"],
    ];
    for (const [body, pointer] of cases) {
      const res = await patch(app.alice, sub.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0].pointer, JSON.stringify(body)).toBe(pointer);
    }
    const unsafe = await patch(app.alice, sub.id, { fallback: { after_ms: 5000, webhook_url: "https://127.0.0.1/x" } });
    expect(unsafe.status).toBe(422);
    expect(unsafe.body.type).toMatch(/\/unsafe-url$/);
    const hook = (await app.t.call("POST", path, { token: app.bob, body: { subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com/x", threshold_json: { set_added_min: 1 } } })).body;
    expect((await patch(app.bob, hook.id, { fallback: { after_ms: 5000, email: "b@example.com" } })).body.errors[0].pointer).toBe("/fallback");
    const after = await stateOf(app.t, app.admin, "patch");
    expect(after.events.events.length).toBe(before.events.events.length + 1); // only bob's create
  });

  it("answers 404 for another owner's subscription, and lets an admin change it", async () => {
    const sub = (await create(app.alice, {})).body;
    expect((await patch(app.bob, sub.id, { enabled: false })).status).toBe(404);
    expect((await patch(app.bob, "not-a-uuid", { enabled: false })).status).toBe(404);
    const res = await patch(app.admin, sub.id, { enabled: false });
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(false);
  });

  it("shows a new fallback webhook's secret once", async () => {
    const sub = (await create(app.alice, {})).body;
    const res = await patch(app.alice, sub.id, { fallback: { after_ms: 5000, webhook_url: "https://hooks.example.com/fb" } });
    expect(res.body.fallback_secret).toMatch(/^whsec_/);
    const event = app.t.published.at(-1)!.event;
    expect(JSON.stringify(event)).not.toContain("whsec_");
    expect(event.data.fallback).toEqual({ after_ms: 5000, webhook_url: "https://hooks.example.com" });
    const again = await patch(app.alice, sub.id, { fallback: { after_ms: 6000, webhook_url: "https://hooks.example.com/fb" } });
    expect(again.body).not.toHaveProperty("fallback_secret");
  });

  it("resets a firing state to ok when the rule or lifecycle changes, appending no alert.resolved", async () => {
    await post({ a: 1 });
    const sub = (await create(app.alice, { threshold_json: { set_added_min: 1 }, lifecycle: { resolve: true } })).body;
    await post({ a: 1, b: 2 });
    const firing = await app.t.call("GET", path, { token: app.alice });
    expect(firing.body.subscriptions.find((s: { id: string }) => s.id === sub.id).state).toBe("firing");
    const kinds = app.t.published.length;
    const res = await patch(app.alice, sub.id, { threshold_json: { set_added_min: 2 } });
    expect(res.body.state).toBe("ok");
    expect(app.t.published.slice(kinds).map((e) => e.event.kind)).toEqual(["subscription.updated"]);
    // Fresh counts too: one more single addition does not fire the new rule.
    const next = await post({ a: 1, b: 2, c: 3 });
    expect(next.body.alerts.filter((a: { subscription_id: string }) => a.subscription_id === sub.id)).toEqual([]);
  });
});

describe("openapi", () => {
  it("lists PATCH subscription, backtest and explain", async () => {
    const { paths } = (await app.t.call("GET", "/openapi.json")).body;
    expect(paths["/api/dashboard/{id}/subscriptions/{sub_id}"]).toHaveProperty("patch");
    expect(paths["/api/dashboard/{id}/backtest"]).toHaveProperty("post");
    expect(paths["/api/dashboard/{id}/subscriptions/{sub_id}/explain"]).toHaveProperty("get");
  });
});
