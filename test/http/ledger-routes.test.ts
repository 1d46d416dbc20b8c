// The ledger's HTTP surface: GET deliveries (paging, filters, bounds, who sees what), POST retry,
// POST rotate-secret, and the dashboard.updated journal of a PATCH.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaderboard, setupDashboard, stateOf } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
let admin: string;
let alice: string;
let bob: string;
const D = "ledger-http";
const rule = { value_delta_pct: 0, on_field: "score" };
const subs: Record<string, { id: string }> = {};

beforeAll(async () => {
  t = await createTestApp({ webhookAllowPrivate: true });
  admin = await setupDashboard(t, D);
  [alice, bob] = await Promise.all([t.token({ sub: "alice", roles: ["publisher"] }), t.token({ sub: "bob", roles: ["publisher"] })]);
  const hook = (token: string, name: string) =>
    t.call("POST", `/api/dashboard/${D}/subscriptions`, { token, body: { subscriber_kind: "webhook", subscriber_id: `http://127.0.0.1:9/${name}`, threshold_json: rule } });
  subs.alice = (await hook(alice, "alice")).body;
  subs.bob = (await hook(bob, "bob")).body;
  // Five alerts: ten deliveries, five per subscription, all pending (no worker runs here).
  for (let n = 0; n <= 5; n++) {
    expect((await t.call("POST", `/api/dashboard/${D}/snapshot`, { token: admin, body: { rows: leaderboard({ a: n, b: 1 }) } })).status).toBe(201);
  }
});
afterAll(() => t.close());

const list = (token: string, query = "") => t.call("GET", `/api/dashboard/${D}/deliveries${query}`, { token });

describe("GET deliveries", () => {
  it("shows admins every delivery in (seq, id) order and each owner only their own, without targets", async () => {
    const all = await list(admin);
    expect(all.status).toBe(200);
    expect(all.body.deliveries).toHaveLength(10);
    const keys = all.body.deliveries.map((d: { seq: number; id: string }) => [d.seq, d.id]);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1)));
    expect(all.body.next_after).toBeNull();
    expect(JSON.stringify(all.body)).not.toContain("127.0.0.1");
    expect(Object.keys(all.body.deliveries[0]).sort()).toEqual(
      ["attempts", "channel", "created_at", "dashboard_id", "id", "next_attempt_at", "reason", "seq", "status", "subscription_id"].sort(),
    );
    const mine = await list(alice);
    expect(mine.body.deliveries).toHaveLength(5);
    expect(mine.body.deliveries.every((d: { subscription_id: string }) => d.subscription_id === subs.alice!.id)).toBe(true);
    const persona = await t.token({ sub: "carol" });
    expect((await list(persona)).body.deliveries).toEqual([]);
  });

  it("pages with next_after until a short page, visiting every delivery once", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res = await list(admin, `?limit=3${after ? `&after=${after}` : ""}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.deliveries.map((d: { id: string }) => d.id));
      after = res.body.next_after;
      pages++;
    } while (after !== null && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual((await list(admin)).body.deliveries.map((d: { id: string }) => d.id));
  });

  it("filters by subscription, seq and status", async () => {
    const bySub = await list(admin, `?subscription_id=${subs.bob!.id}`);
    expect(bySub.body.deliveries).toHaveLength(5);
    const seq = bySub.body.deliveries[2].seq;
    // Each subscription's alert is its own event, so a seq names one alert and its deliveries.
    const bySeq = await list(admin, `?seq=${seq}`);
    expect(bySeq.body.deliveries.map((d: { seq: number; subscription_id: string }) => [d.seq, d.subscription_id])).toEqual([[seq, subs.bob!.id]]);
    expect((await list(alice, `?seq=${seq}`)).body.deliveries).toEqual([]);
    expect((await list(admin, "?status=pending")).body.deliveries).toHaveLength(10);
    expect((await list(admin, "?status=delivered")).body.deliveries).toHaveLength(0);
  });

  it.each([
    { query: "?limit=1000", status: 200 },
    { query: "?limit=1", status: 200 },
    { query: "?limit=1001", status: 422, pointer: "/query/limit" },
    { query: "?limit=0", status: 422, pointer: "/query/limit" },
    { query: "?status=skipped", status: 422, pointer: "/query/status" },
    { query: "?after=not-a-uuid", status: 422, pointer: "/query/after" },
    { query: "?subscription_id=x", status: 422, pointer: "/query/subscription_id" },
    { query: "?seq=0", status: 422, pointer: "/query/seq" },
  ])("answers $query with $status", async ({ query, status, pointer }) => {
    const res = await list(admin, query);
    expect(res.status).toBe(status);
    if (pointer) expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([pointer]);
  });
});

describe("POST retry", () => {
  it("answers 404 to another publisher, 409 for a delivery that is not failed, and 200 with the delivery when it is", async () => {
    const [d] = (await list(alice, "?limit=1")).body.deliveries;
    const retry = (token: string, id = d.id) => t.call("POST", `/api/dashboard/${D}/deliveries/${id}/retry`, { token });
    expect((await retry(bob)).status).toBe(404);
    expect((await retry(alice, "nope")).status).toBe(404);
    const pending = await retry(alice);
    expect(pending.status).toBe(409);
    expect(pending.body.type).toMatch(/\/conflict$/);

    await t.database.db.execute(sql`update deliveries set status = 'failed', attempts = 3 where dashboard_id = ${D} and id = ${d.id}`);
    const ok = await retry(alice);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: d.id, status: "pending" });
    expect(Date.parse(ok.body.next_attempt_at)).toBeLessThanOrEqual(Date.now());
    expect((await retry(admin)).status).toBe(409);
  });
});

describe("POST rotate-secret", () => {
  it("gives the owner a new whsec_ secret, once, and never shows it elsewhere", async () => {
    const res = await t.call("POST", `/api/dashboard/${D}/subscriptions/${subs.alice!.id}/rotate-secret`, { token: alice });
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const state = JSON.stringify(await stateOf(t, admin, D));
    expect(state).not.toContain(res.body.secret);
    expect(state).not.toContain(res.body.secret.slice(6));
  });

  it("answers 404 to another publisher and 409 for a persona subscription, changing nothing", async () => {
    const before = await stateOf(t, admin, D);
    expect((await t.call("POST", `/api/dashboard/${D}/subscriptions/${subs.alice!.id}/rotate-secret`, { token: bob })).status).toBe(404);
    const carol = await t.token({ sub: "carol" });
    const persona = await t.call("POST", `/api/dashboard/${D}/subscriptions`, { token: carol, body: { subscriber_kind: "persona", subscriber_id: "carol", threshold_json: rule } });
    const mid = await stateOf(t, admin, D);
    const refused = await t.call("POST", `/api/dashboard/${D}/subscriptions/${persona.body.id}/rotate-secret`, { token: carol });
    expect(refused.status).toBe(409);
    expect(await stateOf(t, admin, D)).toEqual(mid);
    expect(before.subscriptions.subscriptions.length + 1).toBe(mid.subscriptions.subscriptions.length);
  });
});

describe("dashboard.updated", () => {
  it("journals each changed field with from and to, the PATCHing sub as actor, source_url reduced to its origin", async () => {
    await setupDashboard(t, "journaled", { name: "Old", source_url: "http://127.0.0.1:9/feed?key=s3cret" });
    const published = t.published.length;
    const res = await t.call("PATCH", "/api/dashboard/journaled", { token: admin, body: { name: "New", top_n: 10, source_url: "http://127.0.0.2:9/other?key=t0p" } });
    expect(res.status).toBe(200);
    const { events } = (await t.call("GET", "/api/dashboard/journaled/events", { token: admin })).body;
    const updated = events.filter((e: { kind: string }) => e.kind === "dashboard.updated");
    expect(updated).toEqual([
      expect.objectContaining({
        actor: "admin-1",
        data: { changes: { name: { from: "Old", to: "New" }, source_url: { from: "http://127.0.0.1:9", to: "http://127.0.0.2:9" } } },
      }),
    ]);
    expect(t.published.slice(published).map((e) => e.event.kind)).toEqual(["dashboard.updated"]);
    expect(res.body.head_seq).toBe(updated[0].seq);
  });

  it("appends nothing for a PATCH that changes nothing or is refused", async () => {
    await setupDashboard(t, "unchanged", { name: "Same" });
    const events = async () => (await t.call("GET", "/api/dashboard/unchanged/events", { token: admin })).body.events;
    expect((await t.call("PATCH", "/api/dashboard/unchanged", { token: admin, body: { name: "Same", top_n: 10 } })).status).toBe(200);
    expect((await t.call("PATCH", "/api/dashboard/unchanged", { token: bob, body: { name: "Other" } })).status).toBe(403);
    expect((await t.call("PATCH", "/api/dashboard/unchanged", { token: admin, body: { top_n: 0 } })).status).toBe(422);
    expect(await events()).toEqual([]);
  });
});
