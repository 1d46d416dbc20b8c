// Delivery ledger pages bounded in bytes (CONTRACT "Limits and hardening, version 2"): a page stops before its
// JSON would pass MAX_PAGE_BYTES, next_after continues exactly, and a delivery larger than the bound comes
// alone. One alert's view (GET .../alerts/:seq) is bounded by what an alert can have, and shows it all.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_PAGE_BYTES, entriesBudget } from "../../src/http/page-bytes.js";
import { MAX_ACKS_PER_ALERT } from "../../src/store/ack-log.js";
import { MAX_ATTEMPTS_PER_DELIVERY, type Delivery } from "../../src/store/delivery-ledger.js";
import { ATTEMPT_ERROR_MAX } from "../../src/store/delivery-store.js";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const BOUND = 16 * 1024;
const SUB = "00000000-0000-4000-8000-000000000001";
// JSON.stringify writes a control character as \u00XX: an error of them weighs six times its length.
const WORST_ERROR = "\u0001".repeat(ATTEMPT_ERROR_MAX);

interface Seed {
  attempts: number;
  error?: string | null;
  status?: Delivery["status"];
  channel?: Delivery["channel"];
  reason?: Delivery["reason"];
}

/** Deliveries written as the worker leaves them, seq by seq from 1, each with its attempts. */
async function seed(t: TestApp, dashboardId: string, seeds: readonly Seed[]): Promise<void> {
  await Promise.all(
    seeds.map((s, i) =>
      t.database.db.execute(sql`
        with d as (
          insert into deliveries (id, dashboard_id, seq, subscription_id, channel, target, reason, status, next_attempt_at, attempts)
          values (gen_random_uuid(), ${dashboardId}, ${i + 1}, ${SUB}, ${s.channel ?? "webhook"}, 'http://127.0.0.1:9/x',
                  ${s.reason ?? "direct"}, ${s.status ?? "failed"}, now(), ${s.attempts})
          returning id, dashboard_id)
        insert into delivery_attempts (dashboard_id, delivery_id, n, at, outcome, status_code, error, duration_ms)
        select d.dashboard_id, d.id, g, now() + g * interval '1 second', case when g % 2 = 0 then 'failed' else 'delivered' end,
               case when g % 3 = 0 then null else 497 + g end, ${s.error === undefined ? "x".repeat(ATTEMPT_ERROR_MAX) : s.error}, g * 37
        from d, generate_series(1, ${s.attempts}) g`),
    ),
  );
}

/** Fourteen deliveries on "exact" varying every member that varies in length: what is measured must be the JSON to the byte. */
async function seedExact(t: TestApp): Promise<void> {
  const errors = [null, "", 'quote " and backslash \\', "line\nbreak\ttab\r\u0001\u001f", "é ü 漢字 😀", "x".repeat(ATTEMPT_ERROR_MAX), WORST_ERROR];
  const statuses = ["pending", "delivered", "failed", "cancelled"] as const;
  await seed(
    t,
    "exact",
    Array.from({ length: 14 }, (_, i) => ({
      attempts: [0, 1, 9, 10, 100][i % 5]!,
      error: errors[i % errors.length]!,
      status: statuses[i % statuses.length]!,
      channel: i % 3 === 0 ? ("email" as const) : ("webhook" as const),
      reason: i % 2 === 0 ? ("direct" as const) : ("fallback" as const),
    })),
  );
  // seqs of 2 to 15 digits, in the same order
  await t.database.db.execute(sql`update deliveries set seq = power(10, seq)::bigint + seq where dashboard_id = 'exact'`);
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
/** The MAX_PAGE_BYTES that leaves a page's deliveries exactly `entries` bytes. */
const pageBytesFor = (entries: number, limit: number) => entries + DEFAULT_MAX_PAGE_BYTES - entriesBudget(DEFAULT_MAX_PAGE_BYTES, limit);

interface Page {
  deliveries: Delivery[];
  bytes: number;
}

/** Every page from the start, with its body's size, checking that next_after names each page's last. */
async function walk(t: TestApp, token: string, dashboardId: string, limit = 1000): Promise<Page[]> {
  const out: Page[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const res = await t.app.request(`/api/dashboard/${dashboardId}/deliveries?limit=${limit}${after ? `&after=${after}` : ""}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as { deliveries: Delivery[]; next_after: string | null };
    if (body.deliveries.length > 0) out.push({ deliveries: body.deliveries, bytes: Buffer.byteLength(text) });
    if (body.next_after === null) return out;
    expect(body.next_after).toBe(body.deliveries.at(-1)!.id);
    after = body.next_after;
  }
  throw new Error("paging did not end");
}

const ids = (ds: readonly Delivery[]) => ds.map((d) => d.id);

let small: TestApp;
let admin: string;
/** A dashboard's deliveries as one unbounded store read returns them: what every walk must add up to. */
const allOf = (t: TestApp, dashboardId: string) => t.store.listDeliveries(dashboardId, { owner: null, limit: 1000 }).then((p) => p.deliveries);
const all = (dashboardId: string) => allOf(small, dashboardId);

beforeAll(async () => {
  small = await createTestApp({ maxPageBytes: BOUND });
  admin = await setupDashboard(small, "p");
  await Promise.all([setupDashboard(small, "huge"), setupDashboard(small, "exact")]);
  // ~6.4 KB each: two fit in the 16 KiB page (less its envelope and commas), a third does not.
  await seed(small, "p", Array.from({ length: 9 }, () => ({ attempts: 10 })));
  await seed(small, "huge", [{ attempts: 1 }, { attempts: 1 }, { attempts: MAX_ATTEMPTS_PER_DELIVERY, error: WORST_ERROR }, { attempts: 1 }, { attempts: 1 }]);
  await seedExact(small);
});
afterAll(() => small.close());

describe("delivery pages bounded in bytes", () => {
  it("stops a page before it passes the bound, and not much before; next_after continues with every delivery once", async () => {
    const pages = await walk(small, admin, "p");
    expect(pages.flatMap((p) => ids(p.deliveries))).toEqual(ids(await all("p")));
    expect(pages.map((p) => p.deliveries.length)).toEqual([2, 2, 2, 2, 1]);
    for (const p of pages) expect(p.bytes).toBeLessThanOrEqual(BOUND);
    // One more delivery would have passed the budget: the bound is what cut, not a guess far below it.
    const budget = entriesBudget(BOUND, 1000);
    for (const [i, p] of pages.slice(0, -1).entries()) {
      expect(p.deliveries.reduce((sum, d) => sum + bytesOf(d), 0) + bytesOf(pages[i + 1]!.deliveries[0])).toBeGreaterThan(budget);
    }
  });

  it("sends a delivery larger than the bound alone, and moves on after it", async () => {
    const pages = await walk(small, admin, "huge");
    const [a, b, big, c, d] = ids(await all("huge"));
    expect(pages.map((p) => ids(p.deliveries))).toEqual([[a, b], [big], [c, d]]);
    expect(pages[1]!.deliveries[0]!.attempts).toHaveLength(MAX_ATTEMPTS_PER_DELIVERY);
    expect(pages[1]!.bytes).toBeGreaterThan(BOUND);
    expect(pages[0]!.bytes).toBeLessThanOrEqual(BOUND);
  });

  it("keeps the count limit as well, and ends on a short page (or after an unknown cursor) with next_after null", async () => {
    const two = await small.call("GET", "/api/dashboard/p/deliveries?limit=2", { token: admin });
    expect(ids(two.body.deliveries)).toEqual(ids(await all("p")).slice(0, 2));
    expect(two.body.next_after).toBe(two.body.deliveries[1].id);
    const last = await small.call("GET", `/api/dashboard/p/deliveries?limit=1000&after=${ids(await all("p"))[7]}`, { token: admin });
    expect(last.body).toMatchObject({ deliveries: [expect.any(Object)], next_after: null });
    const unknown = await small.call("GET", `/api/dashboard/p/deliveries?after=${SUB}`, { token: admin });
    expect(unknown.body).toEqual({ deliveries: [], next_after: null });
  });

  it("measures each delivery to the byte: deliveries of exactly the budget fit, one byte less and the last one waits", async () => {
    const everything = await all("exact");
    expect(everything).toHaveLength(14);
    let prefix = 0;
    for (const [k, d] of everything.entries()) {
      prefix += bytesOf(d);
      const exact = await small.store.listDeliveries("exact", { owner: null, limit: 1000, maxBytes: prefix });
      const under = await small.store.listDeliveries("exact", { owner: null, limit: 1000, maxBytes: prefix - 1 });
      expect(ids(exact.deliveries)).toEqual(ids(everything.slice(0, k + 1)));
      expect(ids(under.deliveries)).toEqual(ids(everything.slice(0, Math.max(1, k))));
      expect(exact.more).toBe(k < everything.length - 1);
      expect(under.more).toBe(true);
    }
  });

  it("applies MAX_PAGE_BYTES at its boundary over HTTP: a page at exactly the bound comes whole, one byte over it is cut", async () => {
    const everything = await all("exact");
    const k = 9;
    const limit = 50;
    const entries = everything.slice(0, k).reduce((sum, d) => sum + bytesOf(d), 0);
    // Two apps bounded one byte apart, each over the same deliveries: ids differ, sizes do not.
    const [at, over] = await Promise.all([
      createTestApp({ maxPageBytes: pageBytesFor(entries, limit) }),
      createTestApp({ maxPageBytes: pageBytesFor(entries - 1, limit) }),
    ]);
    try {
      await Promise.all([at, over].map((t) => setupDashboard(t, "exact").then(() => seedExact(t))));
      const [atAll, overAll] = await Promise.all([allOf(at, "exact"), allOf(over, "exact")]);
      expect(atAll.map(bytesOf)).toEqual(everything.map(bytesOf));
      expect(overAll.map(bytesOf)).toEqual(everything.map(bytesOf));
      const path = `/api/dashboard/exact/deliveries?limit=${limit}`;
      const [whole, cut] = await Promise.all([at.call("GET", path, { token: admin }), over.call("GET", path, { token: admin })]);
      expect(ids(whole.body.deliveries)).toEqual(ids(atAll.slice(0, k)));
      expect(ids(cut.body.deliveries)).toEqual(ids(overAll.slice(0, k - 1)));
      expect(cut.body.next_after).toBe(overAll[k - 2]!.id);
      expect(bytesOf(whole.body)).toBeLessThanOrEqual(pageBytesFor(entries, limit));
    } finally {
      await Promise.all([at.close(), over.close()]);
    }
  });
});

describe("delivery pages at the default bound (8 MiB)", () => {
  it("pages thirty ~310 KB deliveries (100 attempts of the worst error each) in two pages, each under 8 MiB", async () => {
    const t = await createTestApp();
    try {
      await setupDashboard(t, "default");
      await seed(t, "default", Array.from({ length: 30 }, () => ({ attempts: MAX_ATTEMPTS_PER_DELIVERY, error: WORST_ERROR })));
      const pages = await walk(t, admin, "default");
      expect(pages.flatMap((p) => ids(p.deliveries))).toEqual(ids(await allOf(t, "default")));
      expect(pages.length).toBe(2);
      for (const p of pages) expect(p.bytes).toBeLessThanOrEqual(DEFAULT_MAX_PAGE_BYTES);
    } finally {
      await t.close();
    }
  });
});

describe("one alert's deliveries (GET .../alerts/:seq)", () => {
  it("shows all of an alert's deliveries and attempts: at their most, well under the bound besides the event", async () => {
    const t = await createTestApp({ webhookAllowPrivate: true, maxPageBytes: 1024 });
    try {
      await setupDashboard(t, "alert");
      const fallback = { after_ms: 3_600_000, webhook_url: "http://127.0.0.1:9/fb", email: "ops@example.com" };
      const sub = await t.call("POST", "/api/dashboard/alert/subscriptions", { token: admin, body: { subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { set_added_min: 1 }, fallback } });
      expect(sub.status).toBe(201);
      for (const rows of [{ a: 1 }, { a: 1, b: 2 }] as Record<string, number>[]) {
        expect((await t.call("POST", "/api/dashboard/alert/snapshot", { token: admin, body: { rows: leaderboard(rows) } })).status).toBe(201);
      }
      const [{ seq }] = (await t.call("GET", "/api/dashboard/alert/events?kinds=alert.matched", { token: admin })).body.events;
      // The most an alert can have: its two fallback deliveries, each at its attempt limit with the
      // heaviest error, and more acks than are shown.
      await t.database.db.execute(sql`
        insert into delivery_attempts (dashboard_id, delivery_id, n, at, outcome, status_code, error, duration_ms)
        select d.dashboard_id, d.id, g, now(), 'failed', -2147483648, ${WORST_ERROR}, 2147483647
        from deliveries d, generate_series(1, ${MAX_ATTEMPTS_PER_DELIVERY}) g where d.dashboard_id = 'alert' and d.seq = ${seq}`);
      await t.database.db.execute(sql`
        insert into ack_log (dashboard_id, persona, seq, at, session)
        select 'alert', 'alice', ${seq} + g, now(), null from generate_series(0, ${MAX_ACKS_PER_ALERT}) g`);
      const res = await t.call("GET", `/api/dashboard/alert/alerts/${seq}`, { token: admin });
      expect(res.status).toBe(200);
      expect(res.body.deliveries).toHaveLength(2);
      for (const d of res.body.deliveries) expect(d.attempts).toHaveLength(MAX_ATTEMPTS_PER_DELIVERY);
      expect(res.body.acks).toHaveLength(MAX_ACKS_PER_ALERT);
      // MAX_PAGE_BYTES (1024 here) does not cut it: with no cursor, a cut would hide deliveries.
      const besidesEvent = bytesOf(res.body) - bytesOf(res.body.event);
      expect(besidesEvent).toBeGreaterThan(600_000);
      expect(besidesEvent).toBeLessThan(700_000);
    } finally {
      await t.close();
    }
  });
});
