// Random JSON at every write route: never a 5xx, and a 4xx never changes anything.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaderboard, setupDashboard, stateOf } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
/** A subscription for the PATCH route to change. */
let subId = "";
beforeAll(async () => {
  t = await createTestApp({ maxRows: 200 });
  admin = await setupDashboard(t, "fuzz");
  await t.call("POST", "/api/dashboard/fuzz/snapshot", { token: admin, body: { rows: leaderboard({ a: 1, b: 2 }) } });
  subId = (await t.call("POST", "/api/dashboard/fuzz/subscriptions", { token: admin, body: { subscriber_kind: "persona", subscriber_id: "admin-1", threshold_json: { set_added_min: 1 } } })).body.id;
});
afterAll(() => t.close());

const anyJson = fc.jsonValue({ maxDepth: 4 });
const weird = fc.oneof(anyJson, fc.constantFrom(1e308, -0, "", "\u0000", "\ud800", "https://127.0.0.1/", "admin-1", [], {}));
const ruleLike = fc.letrec((tie) => ({
  rule: fc.oneof(
    { depthSize: "small" },
    fc.record({ top_n_reordering: weird }, { requiredKeys: [] }),
    fc.record({ value_delta_pct: weird, on_field: weird }, { requiredKeys: [] }),
    fc.record({ set_added_min: weird, set_removed_min: weird }, { requiredKeys: [] }),
    fc.record({ and: fc.array(tie("rule"), { maxLength: 3 }) }),
    fc.record({ not: tie("rule") }),
    weird,
  ),
})).rule;

const bodies = {
  createDashboard: fc.record(
    { id: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}$/), weird), name: weird, id_field: weird, rank_by: weird, top_n: weird, primary_metric_field: weird, metadata: weird, source_url: weird },
    { requiredKeys: [] },
  ),
  patchDashboard: fc.record({ name: weird, top_n: weird, rank_by: weird, metadata: weird, id: weird }, { requiredKeys: [] }),
  snapshot: fc.record(
    { rows: fc.oneof(fc.array(fc.record({ id: weird, score: weird }, { requiredKeys: [] }), { maxLength: 5 }), weird), primary_metric: weird, taken_at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), weird) },
    { requiredKeys: [] },
  ),
  subscription: fc.record(
    { subscriber_kind: fc.oneof(fc.constantFrom("persona", "webhook", "email"), weird), subscriber_id: weird, threshold_json: ruleLike, fallback: weird },
    { requiredKeys: [] },
  ),
  patchSubscription: fc.record(
    { threshold_json: ruleLike, baseline: fc.oneof(fc.record({ at_offset_ms: weird }, { requiredKeys: [] }), weird), lifecycle: fc.oneof(fc.record({ for_snapshots: weird, resolve: weird, resolve_after_snapshots: weird, cooldown_ms: weird }, { requiredKeys: [] }), weird), fallback: weird, enabled: weird },
    { requiredKeys: [] },
  ),
  backtest: fc.record(
    { threshold_json: ruleLike, baseline: weird, lifecycle: fc.oneof(fc.record({ for_snapshots: weird, cooldown_ms: weird }, { requiredKeys: [] }), weird), from: weird, to: weird },
    { requiredKeys: [] },
  ),
};

const routes = [
  { name: "POST /api/dashboard", method: "POST", path: "/api/dashboard", body: bodies.createDashboard },
  { name: "PATCH /api/dashboard/:id", method: "PATCH", path: "/api/dashboard/fuzz", body: bodies.patchDashboard },
  { name: "POST /api/dashboard/:id/snapshot", method: "POST", path: "/api/dashboard/fuzz/snapshot", body: bodies.snapshot },
  { name: "POST /api/dashboard/:id/subscriptions", method: "POST", path: "/api/dashboard/fuzz/subscriptions", body: bodies.subscription },
  { name: "PATCH /api/dashboard/:id/subscriptions/:sub_id", method: "PATCH", path: "/api/dashboard/fuzz/subscriptions/:sub", body: bodies.patchSubscription },
  { name: "POST /api/dashboard/:id/backtest", method: "POST", path: "/api/dashboard/fuzz/backtest", body: bodies.backtest },
] as const;

describe("fuzzing the write routes", () => {
  for (const route of routes) {
    it(`${route.name}: never 5xx, and a 4xx changes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(route.body, anyJson), async (body) => {
          const before = await stateOf(t, admin, "fuzz");
          const res = await t.call(route.method, route.path.replace(":sub", subId), { token: admin, body });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get("content-type")).toBe("application/problem+json");
            expect(await stateOf(t, admin, "fuzz")).toEqual(before);
            const id = (body as { id?: unknown } | null)?.id;
            if (route.path === "/api/dashboard" && typeof id === "string" && id !== "fuzz" && /^[a-z0-9][a-z0-9_-]{0,127}$/.test(id)) {
              expect((await t.call("GET", `/api/dashboard/${id}`, { token: admin })).status).toBe(404);
            }
          }
        }),
        { numRuns: 60, interruptAfterTimeLimit: 20_000 },
      );
    });
  }

  it("never 5xx on raw bytes that are not JSON", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200, unit: "binary" }), async (raw) => {
        const res = await t.call("POST", "/api/dashboard/fuzz/snapshot", { token: admin, raw });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});
