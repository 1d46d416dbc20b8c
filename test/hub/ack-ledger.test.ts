// An ack over WebSocket is journaled with its time and session, cancels the persona's pending fallback at
// once, and GET .../alerts/:seq tells the whole story: the event, the cancelled fallback and the ack.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../src/store/database.js";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { startHarness, type Harness } from "./helpers/hub-harness.js";

let t: TestApp;
let h: Harness;
beforeAll(async () => {
  t = await createTestApp({ webhookAllowPrivate: true });
  h = await startHarness({ store: t.store });
});
afterAll(async () => {
  await h.close();
  await t.close();
});

describe("acks in the ledger", () => {
  it("cancels a pending fallback when the persona acks over WebSocket, and GET alerts/:seq shows the ack and the cancellation", async () => {
    const admin = await setupDashboard(t, "acked");
    const alice = await t.token({ sub: "alice" });
    const sub = await t.call("POST", "/api/dashboard/acked/subscriptions", {
      token: alice,
      body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { set_added_min: 1 }, fallback: { after_ms: 3_600_000, webhook_url: "http://127.0.0.1:9/fb" } },
    });
    expect(sub.status).toBe(201);
    for (const rows of [{ a: 1 }, { a: 1, b: 2 }] as Record<string, number>[]) {
      expect((await t.call("POST", "/api/dashboard/acked/snapshot", { token: admin, body: { rows: leaderboard(rows) } })).status).toBe(201);
    }
    const [{ seq }] = (await t.call("GET", "/api/dashboard/acked/events?kinds=alert.matched", { token: admin })).body.events;
    const before = await t.call("GET", `/api/dashboard/acked/alerts/${seq}`, { token: alice });
    expect(before.body).toMatchObject({ event: { seq, kind: "alert.matched" }, deliveries: [{ reason: "fallback", status: "pending" }], acks: [] });

    const c = await h.client("alice");
    const welcome = c.frames.find((f) => f.type === "welcome") as { session: string };
    const acked = Date.now();
    c.send({ op: "ack", dashboard_id: "acked", seq });
    c.send({ op: "ping" });
    await c.waitFor((f) => f.type === "pong");

    const after = await t.call("GET", `/api/dashboard/acked/alerts/${seq}`, { token: alice });
    expect(after.status).toBe(200);
    expect(after.body.deliveries).toMatchObject([{ reason: "fallback", status: "cancelled", attempts: [] }]);
    expect(after.body.acks).toEqual([{ persona: "alice", at: expect.any(String) }]);
    expect(Date.parse(after.body.acks[0].at)).toBeGreaterThanOrEqual(acked - 1000);
    const [logged] = await query<{ session: string }>(t.database.db, sql`select session from ack_log where dashboard_id = 'acked' and persona = 'alice'`);
    expect(logged!.session).toBe(welcome.session);
    c.close();
  });

  it("answers 404 for a seq that is not an alert, and for an alert the caller may not see", async () => {
    const admin = await setupDashboard(t, "hidden");
    const bob = await t.token({ sub: "bob" });
    const alice = await t.token({ sub: "alice" });
    await t.call("POST", "/api/dashboard/hidden/subscriptions", { token: alice, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { set_added_min: 1 } } });
    for (const rows of [{ a: 1 }, { a: 1, b: 2 }] as Record<string, number>[]) await t.call("POST", "/api/dashboard/hidden/snapshot", { token: admin, body: { rows: leaderboard(rows) } });
    const { events } = (await t.call("GET", "/api/dashboard/hidden/events", { token: admin })).body;
    const alert = events.find((e: { kind: string }) => e.kind === "alert.matched");
    const other = events.find((e: { kind: string }) => e.kind !== "alert.matched");
    expect((await t.call("GET", `/api/dashboard/hidden/alerts/${alert.seq}`, { token: bob })).status).toBe(404);
    expect((await t.call("GET", `/api/dashboard/hidden/alerts/${alert.seq}`, { token: admin })).status).toBe(200);
    expect((await t.call("GET", `/api/dashboard/hidden/alerts/${other.seq}`, { token: admin })).status).toBe(404);
    for (const bad of ["0", "x", "999"]) expect((await t.call("GET", `/api/dashboard/hidden/alerts/${bad}`, { token: admin })).status).toBe(404);
  });
});
