import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
let alice: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await setupDashboard(t, "log");
  alice = await t.token({ sub: "alice" });
  const bob = await t.token({ sub: "bob" });
  await t.call("POST", "/api/dashboard/log/subscriptions", { token: alice, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { set_added_min: 1 } } });
  await t.call("POST", "/api/dashboard/log/subscriptions", { token: bob, body: { subscriber_kind: "persona", subscriber_id: "bob", threshold_json: { set_removed_min: 1 } } });
  const snaps: Record<string, number>[] = [{ a: 1 }, { a: 1, b: 2 }, { b: 2 }, { b: 2, c: 3 }];
  for (const rows of snaps) await t.call("POST", "/api/dashboard/log/snapshot", { token: admin, body: { rows: leaderboard(rows) } });
});
afterAll(() => t.close());

const events = (query: string) => t.call("GET", `/api/dashboard/log/events${query}`, { token: admin });

describe("event log", () => {
  it("keeps seq contiguous from 1 and pages with after_seq", async () => {
    const all = await events("");
    const seqs = all.body.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(Array.from({ length: all.body.head_seq }, (_, i) => i + 1));
    const page = await events("?after_seq=2&limit=3");
    expect(page.body.events.map((e: { seq: number }) => e.seq)).toEqual([3, 4, 5]);
    expect(page.body.next_after_seq).toBe(5);
    const empty = await events(`?after_seq=${all.body.head_seq}`);
    expect(empty.body).toEqual({ events: [], next_after_seq: all.body.head_seq, head_seq: all.body.head_seq });
  });

  it("filters by kind, by persona, and by time", async () => {
    const snaps = await events("?kinds=snapshot.created");
    expect(snaps.body.events).toHaveLength(4);
    const mine = await events("?persona=alice");
    expect(mine.body.events.map((e: { kind: string; data: { subscriber_id: string } }) => [e.kind, e.data.subscriber_id])).toEqual([
      ["alert.matched", "alice"],
      ["alert.matched", "alice"],
    ]);
    const all = (await events("")).body.events;
    const future = await events(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.events).toEqual([]);
    const until = await events(`?to=${encodeURIComponent(all[0].at)}`);
    expect(until.body.events).toEqual([]);
  });

  it("records prev_seq per persona so a gap can be told from silence", async () => {
    const alerts = t.published.filter((e) => e.persona === "alice");
    expect(alerts.map((e) => e.prev_seq)).toEqual([0, alerts[0]!.event.seq]);
  });

  it("reports the log in JSON and HTML audits", async () => {
    const json = await t.call("GET", "/api/dashboard/log/audit", { token: alice });
    expect(json.body).toMatchObject({ dashboard_id: "log", contiguous: true, by_kind: { "snapshot.created": 4, "subscription.created": 2 } });
    expect(json.body.alerts_by_subscription.map((a: { subscriber_id: string; alerts: number }) => [a.subscriber_id, a.alerts]).sort()).toEqual([
      ["alice", 2],
      ["bob", 1],
    ]);
    const html = await t.app.request("/api/dashboard/log/audit?format=html", { headers: { authorization: `Bearer ${alice}` } });
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(await html.text()).toContain("Audit report: log");
  });
});
