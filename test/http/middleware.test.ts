// The role, dashboard and subscription middleware on their own, over a real store: the role is checked
// before the dashboard is read, a missing dashboard or another's subscription is a 404 problem, and the
// handler gets the rows read once.
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/http/context.js";
import { dashboardFromPath, ownSubscriptionFromPath, publishersOnly } from "../../src/http/middleware.js";
import { HttpProblem, problemResponse } from "../../src/http/problem.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import type { Store } from "../../src/store/store.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

let t: TestStore;
let reads = 0;
let app: Hono<Env>;
let subscriptionId: string;
beforeAll(async () => {
  t = await createTestStore();
  await t.store.createDashboard("mw", { ...DEFAULT_SETTINGS, top_n: 7 });
  const created = await t.store.createSubscription(
    { dashboard_id: "mw", subscriber_kind: "persona", subscriber_id: "owner", threshold_json: { set_added_min: 1 }, fallback: null, owner: "owner" },
    { secret: null, fallback_secret: null },
    "owner",
  );
  subscriptionId = created.subscription.id;
  const counted: Store = { ...t.store, getDashboard: (id) => (reads++, t.store.getDashboard(id)) };
  app = new Hono<Env>();
  app.onError((error, c) => (error instanceof HttpProblem ? problemResponse(c, error) : c.text("unexpected", 500)));
  app.use(async (c, next) => {
    c.set("principal", { sub: c.req.header("x-sub") ?? "someone", roles: (c.req.header("x-roles") ?? "").split(",").filter(Boolean) });
    await next();
  });
  app.post("/:id/write", publishersOnly, dashboardFromPath(counted), (c) => c.json({ top_n: c.get("dashboard").top_n }));
  app.get("/:id/read", dashboardFromPath(counted), (c) => c.json({ id: c.get("dashboard").id }));
  app.get("/:id/subs/:sub_id", dashboardFromPath(counted), ownSubscriptionFromPath(counted), (c) => c.json({ id: c.get("subscription").id, on: c.get("dashboard").id }));
});
afterAll(() => t.close());

const call = (method: string, path: string, roles = "", sub = "someone") => app.request(path, { method, headers: { "x-roles": roles, "x-sub": sub } });

describe("publishersOnly and dashboardFromPath", () => {
  it("refuses a reader with 403 before reading the dashboard", async () => {
    reads = 0;
    const res = await call("POST", "/mw/write", "reader");
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(reads).toBe(0);
  });

  it("hands a publisher's handler the dashboard, read once", async () => {
    reads = 0;
    for (const roles of ["publisher", "admin"]) expect(await (await call("POST", "/mw/write", roles)).json()).toEqual({ top_n: 7 });
    expect(reads).toBe(2);
    expect(await (await call("GET", "/mw/read")).json()).toEqual({ id: "mw" });
  });

  it("answers 404 problem+json for an unknown or malformed id, without a query for the malformed one", async () => {
    reads = 0;
    const unknown = await call("GET", "/nothing-here/read");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: "https://dashwatch.dev/problems/not-found", detail: 'dashboard "nothing-here" does not exist' });
    expect(reads).toBe(1);
    expect((await call("GET", "/Not_An_Id!/read")).status).toBe(404);
    expect(reads, "a malformed id never reaches the store").toBe(1);
  });
});

describe("ownSubscriptionFromPath", () => {
  it("hands the owner's and an admin's handler the subscription of the path's dashboard", async () => {
    for (const [roles, sub] of [["", "owner"], ["admin", "someone"]] as const) {
      const res = await call("GET", `/mw/subs/${subscriptionId}`, roles, sub);
      expect(await res.json()).toEqual({ id: subscriptionId, on: "mw" });
    }
  });

  it("answers another's, an unknown and a malformed id alike with 404 problem+json", async () => {
    for (const id of [subscriptionId, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const res = await call("GET", `/mw/subs/${id}`, "publisher", "someone");
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ type: "https://dashwatch.dev/problems/not-found", detail: "subscription does not exist" });
    }
  });
});
