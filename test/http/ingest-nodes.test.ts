// Several nodes (each its own store: pool and snapshot cache) ingesting into one dashboard on one
// PostgreSQL. Whatever the interleaving, the log stays contiguous and every diff is the diff of the
// stored snapshot against the stored snapshot committed just before it, as src/core computes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capDiff, computeDiff } from "../../src/core/diff.js";
import { judge } from "../../src/core/judge.js";
import type { RankSettings, Row, Rule } from "../../src/core/types.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";

const SETTINGS = { rank_by: "score", top_n: 5, primary_metric_field: "score" };
const RULES: Rule[] = [{ top_n_reordering: 3 }, { value_delta_pct: 0.3, on_field: "score" }, { set_added_min: 2 }, { not: { set_removed_min: 1 } }];

/** Rows that move, come and go: snapshot i of a small deterministic walk. */
function rowsAt(i: number): Row[] {
  const rows: Row[] = [];
  for (let k = 0; k < 30; k++) {
    if ((k * 7 + i) % 11 === 0) continue; // some ids leave and come back
    rows.push({ id: k % 4 === 0 ? k : `r${k}`, score: ((k * 13 + i * (k % 5)) % 40) + (k === i % 30 ? 100 : 0), note: `n${k}` });
  }
  return rows;
}

let database: TestDatabase & { url: string };
const nodes: TestApp[] = [];
let admin: string;

beforeAll(async () => {
  database = await createPostgresDatabase();
  // The first node creates the schema; the others open the same database, each with its own cache.
  nodes.push(await createTestApp({ databaseUrl: database.url }));
  nodes.push(await createTestApp({ databaseUrl: database.url }), await createTestApp({ databaseUrl: database.url, snapshotCacheBytes: 0 }));
  admin = await nodes[0]!.token({ sub: "admin-1", roles: ["admin"] });
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await database.drop();
});

async function dashboard(id: string): Promise<string[]> {
  const t = nodes[0]!;
  expect((await t.call("POST", "/api/dashboard", { token: admin, body: { id, ...SETTINGS } })).status).toBe(201);
  const subs: string[] = [];
  for (const [i, rule] of RULES.entries()) {
    const res = await t.call("POST", `/api/dashboard/${id}/subscriptions`, { token: admin, body: { subscriber_kind: "persona", subscriber_id: `p${i % 2}`, threshold_json: rule } });
    expect(res.status).toBe(201);
    subs.push(res.body.id);
  }
  return subs;
}

const post = (node: TestApp, id: string, i: number) => node.call("POST", `/api/dashboard/${id}/snapshot`, { token: admin, body: { rows: rowsAt(i) } });

/** Checks the whole log of `id` against diffs recomputed from the stored snapshots. */
async function expectLogMatchesStoredSnapshots(id: string, snapshotCount: number): Promise<void> {
  const t = nodes[0]!;
  const log = (await t.call("GET", `/api/dashboard/${id}/events?limit=1000`, { token: admin })).body.events as any[];
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: log.length }, (_, k) => k + 1));
  const subs = (await t.call("GET", `/api/dashboard/${id}/subscriptions`, { token: admin })).body.subscriptions as any[];
  const settings: RankSettings = { idField: "id", rankBy: SETTINGS.rank_by, topN: SETTINGS.top_n, primaryMetricField: SETTINGS.primary_metric_field };

  const created = log.filter((e) => e.kind === "snapshot.created");
  expect(created).toHaveLength(snapshotCount);
  let previous: { id: string; rows: Row[]; primary_metric: number | null } | null = null;
  for (const event of created) {
    const stored = (await t.call("GET", `/api/dashboard/${id}/snapshots/${event.data.snapshot_id}`, { token: admin })).body.snapshot;
    const alerts = log.filter((e) => e.kind === "alert.matched" && e.data.snapshot_id === stored.id);
    if (previous === null) {
      expect(event.data.diff).toBeNull();
      expect(alerts).toEqual([]);
    } else {
      const a = { rows: previous.rows, primaryMetric: previous.primary_metric };
      const b = { rows: stored.rows as Row[], primaryMetric: stored.primary_metric as number | null };
      const expected = JSON.parse(JSON.stringify(capDiff(computeDiff(a, b, settings))));
      expect(event.data.diff).toEqual(expected);
      const matched = judge(a, b, settings, subs).matches.map((m) => m.subscription.id);
      expect(alerts.map((e) => e.data.subscription_id).sort()).toEqual(matched.sort());
      for (const alert of alerts) {
        expect(alert.data.diff).toEqual(expected);
        expect(alert.data.previous_snapshot_id).toBe(previous.id);
      }
    }
    // Events of one snapshot are consecutive: snapshot.created, then its alerts.
    expect(alerts.map((e) => e.seq)).toEqual(alerts.map((_, k) => event.seq + k + 1));
    previous = stored;
  }
}

describe("nodes posting alternately to one dashboard", () => {
  for (const count of [2, 3]) {
    it(`${count} nodes: contiguous log, every diff against the stored predecessor`, async () => {
      const id = `alt${count}`;
      await dashboard(id);
      let alerts = 0;
      for (let i = 0; i < 24; i++) {
        const res = await post(nodes[i % count]!, id, i);
        expect(res.status).toBe(201);
        alerts += res.body.alerts.length;
      }
      expect(alerts).toBeGreaterThan(10); // the rules do fire, so alert diffs are checked too
      await expectLogMatchesStoredSnapshots(id, 24);
    });
  }
});

describe("concurrent posts: the head moves under an optimistic judgement", () => {
  it("on one node", async () => {
    await dashboard("race1");
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(nodes[0]!, "race1", i)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    await expectLogMatchesStoredSnapshots("race1", 20);
  });

  it("across three nodes", async () => {
    await dashboard("race3");
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => post(nodes[i % 3]!, "race3", i)));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
    await expectLogMatchesStoredSnapshots("race3", 30);
  });

  it("a basis that another writer moved is judged again under the lock", async () => {
    await dashboard("stale");
    const { store } = nodes[1]!;
    const input = (i: number) => ({ dashboardId: "stale", rows: rowsAt(i), primaryMetric: null, takenAt: null, actor: "admin-1" });
    expect((await store.ingestSnapshot(input(0))).ok).toBe(true);
    const stale = (await store.getDashboard("stale"))!;
    // Another node appends, and the rank settings change too, after `stale` was read.
    expect((await nodes[2]!.store.ingestSnapshot(input(1))).ok).toBe(true);
    expect((await nodes[0]!.call("PATCH", "/api/dashboard/stale", { token: admin, body: { top_n: 8 } })).status).toBe(200);
    const result = await store.ingestSnapshot({ ...input(2), basis: stale });
    if (!result.ok) throw new Error(result.error);
    // Numbered after the other node's events and diffed against its snapshot, with the new top_n.
    const head = (await store.getDashboard("stale"))!;
    expect(result.value.seq_range.to).toBe(head.head_seq);
    // After the other node's snapshot and alerts and the PATCH's dashboard.updated.
    expect(result.value.seq_range.from).toBe(stale.head_seq + 1 + 1 + (await alertsOf("stale", 2)) + 1);
    const settings: RankSettings = { idField: "id", rankBy: "score", topN: 8, primaryMetricField: "score" };
    const previous = { rows: rowsAt(1), primaryMetric: null };
    expect(JSON.parse(JSON.stringify(result.value.diff))).toEqual(JSON.parse(JSON.stringify(capDiff(computeDiff(previous, { rows: rowsAt(2), primaryMetric: null }, settings)))));
  });

  it("a basis whose rank settings changed (a PATCH: only its dashboard.updated moved the head) is judged again with the new settings", async () => {
    await dashboard("settings");
    const { store } = nodes[1]!;
    const input = (i: number) => ({ dashboardId: "settings", rows: rowsAt(i), primaryMetric: null, takenAt: null, actor: "admin-1" });
    expect((await store.ingestSnapshot(input(0))).ok).toBe(true);
    const stale = (await store.getDashboard("settings"))!;
    expect((await nodes[0]!.call("PATCH", "/api/dashboard/settings", { token: admin, body: { rank_by: null } })).status).toBe(200);
    expect((await store.getDashboard("settings"))!.head_seq).toBe(stale.head_seq + 1);
    const result = await store.ingestSnapshot({ ...input(1), basis: stale });
    if (!result.ok) throw new Error(result.error);
    const settings: RankSettings = { idField: "id", rankBy: null, topN: 5, primaryMetricField: "score" };
    const expected = capDiff(computeDiff({ rows: rowsAt(0), primaryMetric: null }, { rows: rowsAt(1), primaryMetric: null }, settings));
    expect(JSON.parse(JSON.stringify(result.value.diff))).toEqual(JSON.parse(JSON.stringify(expected)));
  });
});

/** Alerts appended for the `n`th snapshot (1-based) of a dashboard. */
async function alertsOf(id: string, n: number): Promise<number> {
  const log = (await nodes[0]!.call("GET", `/api/dashboard/${id}/events?limit=1000`, { token: admin })).body.events as any[];
  const snapshotId = log.filter((e) => e.kind === "snapshot.created")[n - 1].data.snapshot_id;
  return log.filter((e) => e.kind === "alert.matched" && e.data.snapshot_id === snapshotId).length;
}
