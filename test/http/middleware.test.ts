// The role and dashboard middleware on their own, over a real store: the role is checked before the
// dashboard is read, a missing dashboard is a 404 problem, and the handler gets the row read once.
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/http/context.js";
import { dashboardFromPath, publishersOnly } from "../../src/http/middleware.js";
import { HttpProblem, problemResponse } from "../../src/http/problem.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import type { Store } from "../../src/store/store.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

let t: TestStore;
let reads = 0;
let app: Hono<Env>;
beforeAll(async () => {
  t = await createTestStore();
  await t.store.createDashboard("mw", { ...DEFAULT_SETTINGS, top_n: 7 });
  const counted: Store = { ...t.store, getDashboard: (id) => (reads++, t.store.getDashboard(id)) };
  app = new Hono<Env>();
  app.onError((error, c) => (error instanceof HttpProblem ? problemResponse(c, error) : c.text("unexpected", 500)));
  app.use(async (c, next) => {
    c.set("principal", { sub: "someone", roles: (c.req.header("x-roles") ?? "").split(",").filter(Boolean) });
    await next();
  });
  app.post("/:id/write", publishersOnly, dashboardFromPath(counted), (c) => c.json({ top_n: c.get("dashboard").top_n }));
  app.get("/:id/read", dashboardFromPath(counted), (c) => c.json({ id: c.get("dashboard").id }));
});
afterAll(() => t.close());

const call = (method: string, path: string, roles = "") => app.request(path, { method, headers: { "x-roles": roles } });

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
