// The lifecycle through ingest: for_snapshots, resolve with alert.resolved, cooldown, and what a resolution
// does to the outbox (a direct delivery for webhooks, cancelled fallbacks, nothing for a disabled one).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../src/store/database.js";
import { setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp({ webhookAllowPrivate: true });
  admin = await setupDashboard(t, "seed");
});
afterAll(() => t.close());

let dashboards = 0;
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A dashboard whose snapshots are posted by ids: each added id makes `set_added_min: 1` hold. */
async function fixture(subscription: Record<string, unknown>) {
  const id = `lc-${dashboards++}`;
  await setupDashboard(t, id);
  const sub = await t.call("POST", `/api/dashboard/${id}/subscriptions`, {
    token: admin,
    body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { set_added_min: 1 }, ...subscription },
  });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  let n = 0;
  const post = async (ids: string[], takenAtMs = T0 + 60_000 * n) => {
    n++;
    const res = await t.call("POST", `/api/dashboard/${id}/snapshot`, {
      token: admin,
      body: { rows: ids.map((i) => ({ id: i, score: 1 })), taken_at: new Date(takenAtMs).toISOString() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { snapshot_id: string; alerts: { subscription_id: string; seq: number; kind: string }[] };
  };
  const events = async () => (await t.call("GET", `/api/dashboard/${id}/events?kinds=alert.matched,alert.resolved&limit=1000`, { token: admin })).body.events;
  const state = async () => (await t.call("GET", `/api/dashboard/${id}/subscriptions`, { token: admin })).body.subscriptions[0].state;
  return { id, sub: sub.body, post, events, state };
}

describe("lifecycle through ingest", () => {
  it("fires once after k holds, stays quiet while firing, resolves once after j fails", async () => {
    const f = await fixture({ lifecycle: { for_snapshots: 2, resolve: true, resolve_after_snapshots: 2 } });
    await f.post(["a"]);
    expect((await f.post(["a", "b"])).alerts).toEqual([]); // first hold
    const fired = await f.post(["a", "b", "c"]); // second hold: fires
    expect(fired.alerts).toEqual([{ subscription_id: f.sub.id, seq: expect.any(Number), kind: "alert.matched" }]);
    expect(await f.state()).toBe("firing");
    expect((await f.post(["a", "b", "c", "d"])).alerts).toEqual([]); // hold while firing
    expect((await f.post(["a", "b", "c", "d"])).alerts).toEqual([]); // unchanged: moves nothing
    expect((await f.post(["a", "b", "c"])).alerts).toEqual([]); // first fail
    expect((await f.post(["a", "b", "c", "e"])).alerts).toEqual([]); // a hold resets the fails
    expect((await f.post(["a", "b", "c"])).alerts).toEqual([]); // fail 1
    const resolved = await f.post(["a", "b"]); // fail 2: resolves
    expect(resolved.alerts).toEqual([{ subscription_id: f.sub.id, seq: expect.any(Number), kind: "alert.resolved" }]);
    expect(await f.state()).toBe("ok");

    const [matched, resolution] = await f.events();
    expect(matched.data).toMatchObject({ suppressed: 0 });
    // On the default baseline the alert names no baseline_snapshot_id: its baseline is previous_snapshot_id.
    expect(matched.data).not.toHaveProperty("baseline_snapshot_id");
    expect(resolution.kind).toBe("alert.resolved");
    expect(resolution.data).toEqual({
      subscription_id: f.sub.id,
      subscriber_kind: "persona",
      subscriber_id: "alice",
      snapshot_id: resolved.snapshot_id,
      fired_seq: fired.alerts[0]!.seq,
      trace: expect.objectContaining({ matched: false }),
    });
  });

  it("without resolve, alerts on every k-th consecutive hold", async () => {
    const f = await fixture({ lifecycle: { for_snapshots: 2 } });
    const ids = ["a"];
    await f.post(ids);
    const alerted: number[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(`n${i}`);
      if ((await f.post([...ids])).alerts.length > 0) alerted.push(i);
    }
    expect(alerted).toEqual([1, 3, 5]);
    expect(await f.state()).toBeNull();
  });

  it("suppresses alerts within cooldown_ms by taken_at and counts them on the next one", async () => {
    const f = await fixture({ lifecycle: { cooldown_ms: 10 * 60_000 } });
    const ids = ["a"];
    await f.post(ids, T0);
    const kinds: string[] = [];
    // Holds at minutes 1, 2, 3 and 12: the first alerts, the next two fall in its cooldown, the last is past it.
    for (const minute of [1, 2, 3, 12]) {
      ids.push(`m${minute}`);
      kinds.push(...(await f.post([...ids], T0 + minute * 60_000)).alerts.map((a) => a.kind));
    }
    expect(kinds).toEqual(["alert.matched", "alert.matched"]);
    const events = await f.events();
    expect(events.map((e: { data: { suppressed: number } }) => e.data.suppressed)).toEqual([0, 2]);
  });

  it("a resolution before after_ms cancels the alert's pending fallback deliveries", async () => {
    const f = await fixture({ lifecycle: { resolve: true }, fallback: { after_ms: 60_000, webhook_url: "http://127.0.0.1:9/fb", email: "a@example.com" } });
    await f.post(["a"]);
    const fired = (await f.post(["a", "b"])).alerts[0]!;
    const rows = () =>
      query<{ seq: string | number; reason: string; status: string }>(t.database.db, sql`select seq, reason, status from deliveries where dashboard_id = ${f.id} order by seq, channel`);
    expect(await rows()).toEqual([
      { seq: expect.anything(), reason: "fallback", status: "pending" },
      { seq: expect.anything(), reason: "fallback", status: "pending" },
    ]);
    const resolved = (await f.post(["a"])).alerts[0]!;
    expect(resolved.kind).toBe("alert.resolved");
    const after = await rows();
    // Cancelled, and the resolution itself is never escalated to the fallback.
    expect(after.map((r) => [Number(r.seq), r.status])).toEqual([
      [fired.seq, "cancelled"],
      [fired.seq, "cancelled"],
    ]);
  });

  it("a webhook's resolution gets a direct delivery; a disabled one's alerts are logged but not queued", async () => {
    const f = await fixture({ subscriber_kind: "webhook", subscriber_id: "http://127.0.0.1:9/hook", lifecycle: { resolve: true } });
    await f.post(["a"]);
    const fired = (await f.post(["a", "b"])).alerts[0]!;
    const resolved = (await f.post(["a"])).alerts[0]!;
    const rows = () => query<{ seq: string | number; reason: string }>(t.database.db, sql`select seq, reason from deliveries where dashboard_id = ${f.id} order by seq`);
    expect((await rows()).map((r) => [Number(r.seq), r.reason])).toEqual([
      [fired.seq, "direct"],
      [resolved.seq, "direct"],
    ]);
    expect((await t.call("PATCH", `/api/dashboard/${f.id}/subscriptions/${f.sub.id}`, { token: admin, body: { enabled: false } })).status).toBe(200);
    const again = await f.post(["a", "c"]);
    expect(again.alerts.map((a) => a.kind)).toEqual(["alert.matched"]);
    expect(await rows()).toHaveLength(2);
    const log = await f.events();
    expect(log.at(-1).data.subscriber_id).toBe("http://127.0.0.1:9");
  });
});
