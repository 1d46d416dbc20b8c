// The audit report aggregated in the database and streamed in pages: its output on a small log is what
// the in-memory report made of the whole log, and a long log is read a bounded page at a time.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HubEvent } from "../../src/protocol/event.js";
import { AUDIT_PAGE } from "../../src/http/routes/audit.js";
import type { Store } from "../../src/store/store.js";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { fillLogVia } from "../hub/helpers/big-log.js";

/** Version 1's report, computed from every event of the range in memory: the oracle for small logs. */
function referenceReport(id: string, range: { from: string | null; to: string | null }, events: HubEvent[], headSeq: number, generatedAt: string) {
  const byKind: Record<string, number> = {};
  const alerts = new Map<string, { subscription_id: string; subscriber_kind: string; subscriber_id: string; alerts: number }>();
  const snapshots: { snapshot_id: string; seq: number; at: string; actor: string }[] = [];
  const alertMarks: unknown[] = [];
  const deliveries = new Map<string, number>();
  let contiguous = true;
  events.forEach((e, i) => {
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    if (i > 0 && e.seq !== events[i - 1]!.seq + 1) contiguous = false;
    if (e.kind === "snapshot.created") snapshots.push({ snapshot_id: String(e.data.snapshot_id), seq: e.seq, at: e.at, actor: e.actor });
    if (e.kind === "alert.matched") {
      const sid = String(e.data.subscription_id);
      const row = alerts.get(sid) ?? { subscription_id: sid, subscriber_kind: String(e.data.subscriber_kind), subscriber_id: String(e.data.subscriber_id), alerts: 0 };
      row.alerts += 1;
      alerts.set(sid, row);
      // Nothing runs a worker here: every webhook alert has one pending direct delivery, and nobody acked.
      const kind = String(e.data.subscriber_kind);
      const went = kind === "webhook" ? [{ channel: "webhook", reason: "direct", status: "pending" }] : [];
      if (kind === "webhook") deliveries.set(sid, (deliveries.get(sid) ?? 0) + 1);
      alertMarks.push({ seq: e.seq, kind: e.kind, at: e.at, subscription_id: sid, subscriber_kind: kind, subscriber_id: String(e.data.subscriber_id), deliveries: went, seen: kind === "persona" ? false : null });
    }
  });
  return {
    dashboard_id: id,
    ...range,
    generated_at: generatedAt,
    head_seq: headSeq,
    events_in_range: events.length,
    first_seq: events[0]?.seq ?? null,
    last_seq: events[events.length - 1]?.seq ?? null,
    contiguous,
    by_kind: byKind,
    alerts_by_subscription: [...alerts.values()].sort((a, b) => b.alerts - a.alerts),
    deliveries_by_subscription: [...deliveries].map(([subscription_id, n]) => ({ subscription_id, deliveries: n, delivered: 0, failed: 0, cancelled: 0, pending: n, success_rate: null })),
    snapshots,
    alerts: alertMarks,
    truncated: false,
  };
}

/** The store, counting the audit's reads and the rows each returned. */
function counting(store: Store) {
  const reads = { summaries: 0, markPages: [] as number[], eventPages: 0 };
  const wrapped: Store = {
    ...store,
    auditSummary: (...a) => (reads.summaries++, store.auditSummary(...a)),
    readSnapshotMarks: async (...a) => {
      const rows = await store.readSnapshotMarks(...a);
      reads.markPages.push(rows.length);
      return rows;
    },
    readEvents: (...a) => (reads.eventPages++, store.readEvents(...a)),
  };
  return { wrapped, reads };
}

let meter: ReturnType<typeof counting>;
let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp({ wrapStore: (s) => (meter = counting(s)).wrapped });
  admin = await setupDashboard(t, "small");
  const [alice, bob] = await Promise.all([t.token({ sub: "alice" }), t.token({ sub: "bob" })]);
  const rule = { value_delta_pct: 0, on_field: "score" };
  await t.call("POST", "/api/dashboard/small/subscriptions", { token: alice, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: rule } });
  await t.call("POST", "/api/dashboard/small/subscriptions", { token: bob, body: { subscriber_kind: "persona", subscriber_id: "bob", threshold_json: { set_added_min: 1 } } });
  const hook = await t.call("POST", "/api/dashboard/small/subscriptions", {
    token: alice,
    body: { subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com/services/T0/B0/hookPassword", threshold_json: rule },
  });
  expect(hook.status).toBe(201);
  const snaps: Record<string, number>[] = [{ a: 1 }, { a: 2, b: 2 }, { a: 3, b: 2 }, { b: 3, c: 3 }, { b: 4, c: 3 }];
  for (const rows of snaps) expect((await t.call("POST", "/api/dashboard/small/snapshot", { token: admin, body: { rows: leaderboard(rows) } })).status).toBe(201);
});
afterAll(() => t.close());

async function allEvents(id: string): Promise<HubEvent[]> {
  const page = await t.store.readEvents(id, { afterSeq: 0, limit: 1000 });
  return page.entries.map((e) => e.event);
}

describe("audit report on a small log", () => {
  it("is, byte for byte, the report version 1 made from the whole log", async () => {
    const events = await allEvents("small");
    expect(events.some((e) => e.kind === "alert.matched" && e.data.subscriber_kind === "webhook")).toBe(true);
    const res = await t.app.request("/api/dashboard/small/audit", { headers: { authorization: `Bearer ${admin}` } });
    expect(res.headers.get("content-type")).toBe("application/json");
    const text = await res.text();
    const got = JSON.parse(text);
    const want = referenceReport("small", { from: null, to: null }, events, events[events.length - 1]!.seq, got.generated_at);
    expect(text).toBe(JSON.stringify(want));
    expect(text).not.toContain("hookPassword");
  });

  it("is the same over a time range that starts and ends inside the log", async () => {
    const events = await allEvents("small");
    const from = events[4]!.at;
    const to = events[events.length - 1]!.at;
    const res = await t.call("GET", `/api/dashboard/small/audit?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token: admin });
    const inRange = events.filter((e) => e.at >= from && e.at < to);
    expect(inRange.length).toBeGreaterThan(0);
    expect(res.body).toEqual(referenceReport("small", { from, to }, inRange, events[events.length - 1]!.seq, res.body.generated_at));
  });

  it("renders the HTML report with every snapshot row", async () => {
    const events = await allEvents("small");
    const res = await t.app.request("/api/dashboard/small/audit?format=html", { headers: { authorization: `Bearer ${admin}` } });
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>[\s\S]*<\/table>\n<\/body><\/html>$/);
    for (const e of events.filter((x) => x.kind === "snapshot.created")) expect(html).toContain(`<tr><td>${e.seq}</td><td>${e.data.snapshot_id}</td>`);
    expect(html).toContain(`${events.length} events (seq 1 to ${events.length}`);
    expect(html).not.toContain("hookPassword");
  });
});

describe("audit report on a 20 000-event log", () => {
  const N = 20_000;
  beforeAll(async () => {
    await setupDashboard(t, "long");
    // Every fourth event a snapshot, every fourth an alert of one of three webhook subscriptions (stored
    // with its full URL, as a log from before redaction could hold), the rest subscription events.
    await fillLogVia(
      t.database,
      "long",
      N,
      sql`case g % 4 when 0 then 'snapshot.created' when 1 then 'alert.matched' else 'subscription.deleted' end`,
      sql`case g % 4
        when 0 then jsonb_build_object('snapshot_id', 'snap-' || g)
        when 1 then jsonb_build_object('subscription_id', 'sub-' || (g % 3), 'subscriber_kind', 'webhook', 'subscriber_id', 'https://hooks.example.com/T/' || (g % 3) || '/hookPassword')
        else jsonb_build_object('subscription_id', 'gone') end`,
    );
  });

  it("counts in the database and reads the snapshot list a bounded page at a time", async () => {
    meter.reads.summaries = 0;
    meter.reads.markPages = [];
    meter.reads.eventPages = 0;
    const res = await t.app.request("/api/dashboard/long/audit", { headers: { authorization: `Bearer ${admin}` } });
    const text = await res.text();
    const r = JSON.parse(text);
    expect(r).toMatchObject({ events_in_range: N, first_seq: 1, last_seq: N, head_seq: N, contiguous: true, truncated: false });
    expect(r.by_kind).toEqual({ "alert.matched": N / 4, "subscription.deleted": N / 2, "snapshot.created": N / 4 });
    expect(Object.keys(r.by_kind)).toEqual(["alert.matched", "subscription.deleted", "snapshot.created"]);
    // Most alerts first; a tie in the order the subscriptions first alerted (g = 1, 5, 9 name sub-1, sub-2, sub-0).
    expect(r.alerts_by_subscription).toEqual([
      { subscription_id: "sub-1", subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com", alerts: 1667 },
      { subscription_id: "sub-2", subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com", alerts: 1667 },
      { subscription_id: "sub-0", subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com", alerts: 1666 },
    ]);
    expect(r.snapshots).toHaveLength(N / 4);
    expect(r.alerts).toHaveLength(N / 4);
    expect(r.alerts[0]).toEqual({ seq: 1, kind: "alert.matched", at: expect.any(String), subscription_id: "sub-1", subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com", deliveries: [], seen: null });
    expect(r.snapshots.map((s: { seq: number }) => s.seq)).toEqual(Array.from({ length: N / 4 }, (_, i) => 4 * (i + 1)));
    expect(text).not.toContain("hookPassword");
    // The log itself is never loaded: one summary, and the 5 000 snapshots in pages of AUDIT_PAGE rows.
    expect(meter.reads.eventPages).toBe(0);
    expect(meter.reads.summaries).toBe(1);
    expect(meter.reads.markPages).toEqual([1000, 1000, 1000, 1000, 1000, 0]);
    expect(Math.max(...meter.reads.markPages)).toBeLessThanOrEqual(AUDIT_PAGE);
  });

  it("streams the HTML report in the same pages", async () => {
    meter.reads.markPages = [];
    const res = await t.app.request("/api/dashboard/long/audit?format=html", { headers: { authorization: `Bearer ${admin}` } });
    const html = await res.text();
    expect(html.match(/<tr><td>\d+<\/td><td>snap-/g)).toHaveLength(N / 4);
    expect(meter.reads.markPages).toEqual([1000, 1000, 1000, 1000, 1000, 0]);
    expect(html).not.toContain("hookPassword");
  });
});
