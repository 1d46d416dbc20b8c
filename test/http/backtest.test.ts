// Backtest runs what ingest runs: a seeded snapshot sequence ingested live and the same rule backtested
// over the stored history give identical firings. Explain answers for one stored snapshot.
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../src/store/database.js";
import { setupDashboard, stateOf } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
let alice: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await setupDashboard(t, "bt-seed");
  alice = await t.token({ sub: "alice" });
});
afterAll(() => t.close());

const T0 = Date.parse("2026-03-01T00:00:00Z");
const MINUTE = 60_000;
let n = 0;

/** A deterministic walk of 6 rows: scores drift, ids come and go, some steps repeat the last snapshot. */
function history(seed: number, length: number) {
  const steps = fc.sample(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -40, max: 60 }), fc.boolean(), fc.integer({ min: 1, max: 20 })), { minLength: length, maxLength: length }), { seed, numRuns: 1 })[0]!;
  const scores = new Map<string, number>([["a", 100], ["b", 80], ["c", 60]]);
  let at = T0;
  return steps.map(([row, delta, repeat, minutes]) => {
    at += minutes * MINUTE;
    if (!repeat) {
      const key = `r${row}`;
      if (scores.has(key) && delta < -30) scores.delete(key);
      else scores.set(key, Math.max(1, (scores.get(key) ?? 50) + delta));
    }
    return { rows: [...scores].map(([id, score]) => ({ id, score })), taken_at: new Date(at).toISOString() };
  });
}

const RULES = [
  { rule: { or: [{ value_delta_pct: 0.3, on_field: "score" }, { set_added_min: 1 }] }, baseline: "previous", lifecycle: { for_snapshots: 2, resolve: true, resolve_after_snapshots: 2 } },
  { rule: { top_n_reordering: 3 }, baseline: "last_notified", lifecycle: { cooldown_ms: 30 * MINUTE } },
  { rule: { value_delta_pct: 0.25, on_field: "score" }, baseline: { at_offset_ms: 45 * MINUTE }, lifecycle: { resolve: true } },
  { rule: { not: { set_removed_min: 1 } }, baseline: "previous", lifecycle: undefined },
];

describe("backtest", () => {
  it.each(RULES.map((r, i) => [i, r] as const))("gives the firings live ingest appended (rule %i)", async (i, { rule, baseline, lifecycle }) => {
    const id = `bt-${n++}`;
    await setupDashboard(t, id);
    const sub = await t.call("POST", `/api/dashboard/${id}/subscriptions`, { token: admin, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: rule, baseline, lifecycle } });
    expect(sub.status).toBe(201);
    const snapshots = history(1000 + i, 40);
    for (const s of snapshots) expect((await t.call("POST", `/api/dashboard/${id}/snapshot`, { token: admin, body: s })).status).toBe(201);

    const log = (await t.call("GET", `/api/dashboard/${id}/events?kinds=alert.matched,alert.resolved&limit=1000`, { token: admin })).body.events;
    const live = log.map((e: { kind: string; data: Record<string, unknown> }) => ({
      kind: e.kind === "alert.matched" ? "matched" : "resolved",
      snapshot_id: e.data.snapshot_id,
      trace: e.data.trace,
      // An alert on the default baseline names none: its baseline is the snapshot before.
      ...(e.kind === "alert.matched" ? { baseline_snapshot_id: e.data.baseline_snapshot_id ?? e.data.previous_snapshot_id } : {}),
    }));
    expect(live.length).toBeGreaterThan(0);

    const res = await t.call("POST", `/api/dashboard/${id}/backtest`, { token: alice, body: { threshold_json: rule, baseline, lifecycle } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.evaluated).toBe(snapshots.length);
    const backtested = res.body.firings.map((f: Record<string, unknown>) => {
      const { taken_at: _at, baseline_snapshot_id, ...rest } = f;
      return f.kind === "matched" ? { ...rest, baseline_snapshot_id } : rest;
    });
    expect(backtested).toEqual(live);
  });

  it("judges only [from, to), the snapshot before from as the first one's previous", async () => {
    const id = `bt-${n++}`;
    await setupDashboard(t, id);
    const post = (score: number, minute: number) => t.call("POST", `/api/dashboard/${id}/snapshot`, { token: admin, body: { rows: [{ id: "a", score }], taken_at: new Date(T0 + minute * MINUTE).toISOString() } });
    const ids = [];
    for (const [score, minute] of [[100, 0], [200, 1], [400, 2], [800, 3]] as const) ids.push((await post(score, minute)).body.snapshot_id);
    const res = await t.call("POST", `/api/dashboard/${id}/backtest`, {
      token: alice,
      body: { threshold_json: { value_delta_pct: 0.5, on_field: "score" }, from: new Date(T0 + MINUTE).toISOString(), to: new Date(T0 + 3 * MINUTE).toISOString() },
    });
    expect(res.body.evaluated).toBe(2);
    expect(res.body.firings.map((f: { snapshot_id: string }) => f.snapshot_id)).toEqual([ids[1], ids[2]]);
    expect(res.body.firings[0]).toMatchObject({ kind: "matched", baseline_snapshot_id: ids[0], taken_at: new Date(T0 + MINUTE).toISOString() });
  });

  it("refuses bad bodies with pointers, and more than 10 000 snapshots at /to, writing nothing", async () => {
    const id = `bt-${n++}`;
    await setupDashboard(t, id);
    const bt = (body: unknown) => t.call("POST", `/api/dashboard/${id}/backtest`, { token: alice, body });
    expect((await bt({})).body.errors[0].pointer).toBe("/threshold_json");
    expect((await bt({ threshold_json: { set_added_min: 0 } })).body.errors[0].pointer).toBe("/threshold_json/set_added_min");
    expect((await bt({ threshold_json: { set_added_min: 1 }, lifecycle: { for_snapshots: 0 } })).body.errors[0].pointer).toBe("/lifecycle/for_snapshots");
    expect((await bt({ threshold_json: { set_added_min: 1 }, from: "yesterday" })).body.errors[0].pointer).toBe("/from");
    expect((await bt({ threshold_json: { set_added_min: 1 }, from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" })).body.errors[0].pointer).toBe("/to");
    expect((await t.call("POST", "/api/dashboard/nope/backtest", { token: alice, body: { threshold_json: { set_added_min: 1 } } })).status).toBe(404);

    // 10 000 stored snapshots pass; one more is refused. Rows pruned: the count is what is bounded.
    await query(t.database.db, sql`insert into snapshots (id, dashboard_id, taken_at, received_at, row_count)
      select gen_random_uuid(), ${id}, ${new Date(T0).toISOString()}::timestamptz + g * interval '1 second', now(), 0 from generate_series(1, 10000) g`);
    const ok = await bt({ threshold_json: { set_added_min: 1 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ evaluated: 10_000, firings: [] });
    await query(t.database.db, sql`insert into snapshots (id, dashboard_id, taken_at, received_at, row_count) values (gen_random_uuid(), ${id}, ${new Date(T0).toISOString()}::timestamptz, now(), 0)`);
    const before = await stateOf(t, admin, id);
    const over = await bt({ threshold_json: { set_added_min: 1 } });
    expect(over.status).toBe(422);
    expect(over.body.errors[0].pointer).toBe("/to");
    expect(await stateOf(t, admin, id)).toEqual(before);
  });
});

describe("explain", () => {
  it("explains a matched and a not matched snapshot with value and threshold in the leaf", async () => {
    const id = `bt-${n++}`;
    await setupDashboard(t, id);
    const sub = (await t.call("POST", `/api/dashboard/${id}/subscriptions`, { token: alice, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { value_delta_pct: 0.5, on_field: "score" } } })).body;
    const post = async (score: number) => (await t.call("POST", `/api/dashboard/${id}/snapshot`, { token: admin, body: { rows: [{ id: "a", score }] } })).body.snapshot_id as string;
    const s1 = await post(100);
    const s2 = await post(200);
    const s3 = await post(220);
    const explain = (token: string, snapshotId: string) => t.call("GET", `/api/dashboard/${id}/subscriptions/${sub.id}/explain?snapshot_id=${snapshotId}`, { token });
    const hit = await explain(alice, s2);
    expect(hit.status).toBe(200);
    expect(hit.body).toMatchObject({ snapshot_id: s2, baseline_snapshot_id: s1, matched: true, trace: { node: "value_delta_pct", matched: true, value: 1, threshold: 0.5 } });
    const miss = await explain(alice, s3);
    expect(miss.body).toMatchObject({ snapshot_id: s3, baseline_snapshot_id: s2, matched: false, trace: { matched: false, value: 0.1, threshold: 0.5 } });
    const first = await explain(alice, s1);
    expect(first.body).toMatchObject({ snapshot_id: s1, baseline_snapshot_id: null, matched: false });

    expect((await explain(alice, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    const bad = await explain(alice, "nope");
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe("/query/snapshot_id");
    expect((await explain(await t.token({ sub: "bob" }), s2)).status).toBe(404);
    expect((await explain(admin, s2)).body.matched).toBe(true);
  });
});
