import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
let alice: string;
let bob: string;
beforeAll(async () => {
  t = await createTestApp({ webhookAllowPrivate: false });
  [alice, bob] = await Promise.all([t.token({ sub: "alice" }), t.token({ sub: "bob" })]);
});
afterAll(() => t.close());

const post = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  t.call("POST", `/api/dashboard/${id}/snapshot`, { token: admin, body, headers });

describe("snapshot ingest", () => {
  it("stores the first snapshot as a baseline and notifies nobody", async () => {
    admin = await setupDashboard(t, "base");
    await t.call("POST", "/api/dashboard/base/subscriptions", {
      token: alice, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { set_added_min: 1 } },
    });
    const res = await post("base", { rows: leaderboard({ a: 3, b: 2 }), primary_metric: 5 });
    expect(res.status).toBe(201);
    expect(res.body.diff).toBeNull();
    expect(res.body.alerts).toEqual([]);
    expect(res.body.seq_range).toEqual({ from: 2, to: 2 });
  });

  it("fans out to every matching subscription and to none that do not match", async () => {
    admin = await setupDashboard(t, "fan");
    const subscribe = (token: string, sub: string, rule: unknown) =>
      t.call("POST", "/api/dashboard/fan/subscriptions", { token, body: { subscriber_kind: "persona", subscriber_id: sub, threshold_json: rule } });
    const a = await subscribe(alice, "alice", { top_n_reordering: 1 });
    const b = await subscribe(bob, "bob", { value_delta_pct: 0.5, on_field: "score" });
    const c = await subscribe(alice, "alice", { or: [{ set_removed_min: 1 }, { not: { set_added_min: 1 } }] });
    await post("fan", { rows: leaderboard({ x: 10, y: 9, z: 8 }) });
    const res = await post("fan", { rows: leaderboard({ y: 12, x: 10, z: 8 }) });
    expect(res.status).toBe(201);
    // y: 9 → 12 is +33 %: under bob's 50 %. The top entry changed, and nothing was added.
    expect(res.body.alerts.map((x: { subscription_id: string }) => x.subscription_id).sort()).toEqual([a.body.id, c.body.id].sort());
    expect(res.body.alerts.map((x: { seq: number }) => x.seq)).toEqual([res.body.seq_range.from + 1, res.body.seq_range.from + 2]);
    expect(b.status).toBe(201);
    const events = await t.call("GET", `/api/dashboard/fan/events?after_seq=${res.body.seq_range.from - 1}`, { token: admin });
    expect(events.body.events.map((e: { kind: string }) => e.kind)).toEqual(["snapshot.created", "alert.matched", "alert.matched"]);
    const alert = events.body.events[1];
    expect(alert.actor).toBe("admin-1");
    expect(alert.data).toMatchObject({ subscriber_kind: "persona", subscriber_id: "alice", snapshot_id: res.body.snapshot_id });
    expect(alert.data.trace).toMatchObject({ matched: true });
    const subs = await t.call("GET", "/api/dashboard/fan/subscriptions", { token: admin });
    const notified = subs.body.subscriptions.find((s: { id: string }) => s.id === a.body.id);
    expect(notified.last_notified_snapshot_id).toBe(res.body.snapshot_id);
  });

  it("stores an unchanged snapshot but notifies nobody, even a NOT rule", async () => {
    admin = await setupDashboard(t, "same");
    await t.call("POST", "/api/dashboard/same/subscriptions", {
      token: alice, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { not: { set_added_min: 1 } } },
    });
    const rows = leaderboard({ a: 1, b: 2 });
    await post("same", { rows });
    const again = await post("same", { rows });
    expect(again.status).toBe(201);
    expect(again.body.alerts).toEqual([]);
    expect(again.body.diff.counts).toEqual({ top_n_changes: 0, row_value_deltas: 0, id_set_added: 0, id_set_removed: 0 });
    const list = await t.call("GET", "/api/dashboard/same/snapshots", { token: admin });
    expect(list.body.snapshots).toHaveLength(2);
  });

  it("returns the first response for an Idempotency-Key retry and writes nothing", async () => {
    admin = await setupDashboard(t, "idem");
    const body = { rows: leaderboard({ a: 1 }) };
    const first = await post("idem", body, { "idempotency-key": "k1" });
    const retry = await post("idem", body, { "idempotency-key": "k1" });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const reused = await post("idem", { rows: leaderboard({ a: 2 }) }, { "idempotency-key": "k1" });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toMatch(/\/idempotency-key-reused$/);
    const long = await post("idem", body, { "idempotency-key": "k".repeat(256) });
    expect(long.status).toBe(422);
    expect(long.body.errors[0].pointer).toBe("/headers/idempotency-key");
    const dash = await t.call("GET", "/api/dashboard/idem", { token: admin });
    expect(dash.body.head_seq).toBe(1);
  });

  it("answers 409 while the first request with a key is in flight", async () => {
    admin = await setupDashboard(t, "inflight");
    const text = JSON.stringify({ rows: [] });
    // Stands for a first request that has claimed the key and not finished yet.
    const claim = await t.store.claimIdempotencyKey("inflight", "busy", createHash("sha256").update(text).digest("base64url"));
    expect(claim.state).toBe("claimed");
    const res = await t.call("POST", "/api/dashboard/inflight/snapshot", { token: admin, raw: text, headers: { "idempotency-key": "busy" } });
    expect(res.status).toBe(409);
    expect((await t.call("GET", "/api/dashboard/inflight", { token: admin })).body.head_seq).toBe(0);
  });

  it("lists newest first without rows, gets one with rows, and travels in time", async () => {
    admin = await setupDashboard(t, "travel");
    const times = ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"];
    const ids: string[] = [];
    for (const [i, taken_at] of times.entries()) {
      ids.push((await post("travel", { rows: leaderboard({ a: i }), taken_at })).body.snapshot_id);
    }
    const list = await t.call("GET", "/api/dashboard/travel/snapshots?limit=2", { token: alice });
    expect(list.body.snapshots.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    expect(list.body.snapshots[0]).not.toHaveProperty("rows");
    expect(list.body.snapshots[0]).toMatchObject({ dashboard_id: "travel", row_count: 1, primary_metric: null });
    const one = await t.call("GET", `/api/dashboard/travel/snapshots/${ids[0]}`, { token: alice });
    expect(one.body.snapshot.rows).toEqual([{ id: "a", score: 0 }]);
    const at = await t.call("GET", "/api/dashboard/travel/snapshots?at=2026-01-01T01:30:00Z", { token: alice });
    expect(at.body.snapshot.id).toBe(ids[1]);
    expect((await t.call("GET", "/api/dashboard/travel/snapshots?at=2025-12-31T00:00:00Z", { token: alice })).status).toBe(404);
    const early = await post("travel", { rows: [], taken_at: "2026-01-01T00:30:00Z" });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].pointer).toBe("/taken_at");
    expect((await t.call("GET", "/api/dashboard/travel/snapshots?limit=101", { token: alice })).body.errors[0].pointer).toBe("/query/limit");
  });
});
