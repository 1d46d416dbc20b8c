// The subscriptions an ingest judges come from this node's cache while the dashboard's head has not moved
// (subscription-cache.ts), and from the database once anything moved it, here or on another node.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { openDatabase } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import type { Store } from "../../src/store/store.js";
import { createSubscriptionCache } from "../../src/store/subscription-cache.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";

let pg: TestDatabase & { url: string };
let capture: string[] | null = null;
let a: Store;
let b: Store;
beforeAll(async () => {
  pg = await createPostgresDatabase();
  // Two nodes on one database; node A's statements can be captured.
  const dbA = await openDatabase({ databaseUrl: pg.url, poolSize: 2, queryLogger: { logQuery: (q) => void capture?.push(q) } });
  const dbB = await openDatabase({ databaseUrl: pg.url, poolSize: 2 });
  a = createDrizzleStore(dbA);
  b = createDrizzleStore(dbB);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await pg?.drop();
});

/** Two holds in a row fire; no resolution. */
const LIFECYCLE = { for_snapshots: 2, resolve: false, resolve_after_snapshots: 1, cooldown_ms: 0 };
const reads = (queries: string[]) => queries.filter((q) => /\bfrom subscriptions where dashboard_id\b/.test(q));
const ingest = (store: Store, k: number) => store.ingestSnapshot({ dashboardId: "sc", rows: [{ id: "a", score: k }, { id: "b", score: 100 - k }], primaryMetric: null, takenAt: null, actor: "t" });

describe("the subscription cache", () => {
  it("skips the read on an unmoved head, and reads again after a write on another node", async () => {
    await a.createDashboard("sc", { ...DEFAULT_SETTINGS, rank_by: "score" }, "o");
    const created = await a.createSubscription({ dashboard_id: "sc", subscriber_kind: "persona", subscriber_id: "p", threshold_json: { value_delta_pct: 0.01, on_field: "score" }, fallback: null, owner: "o" }, { secret: null, fallback_secret: null }, "o");
    const sub = created.subscription.id;
    await ingest(a, 1);
    expect((await ingest(a, 2)).ok).toBe(true);

    capture = [];
    const cached = await ingest(a, 3);
    expect(cached.ok && cached.value.alerts).toHaveLength(1);
    expect(reads(capture), "the head this node's last ingest left: no read").toEqual([]);

    // Node B changes the rule so that nothing matches: that appends subscription.updated, moving the head.
    expect(await b.updateSubscription("sc", sub, { threshold_json: { set_added_min: 5 } }, "o", "whsec_dGVzdA==")).toMatchObject({ ok: true });
    capture = [];
    const after = await ingest(a, 4);
    expect(reads(capture), "the head moved elsewhere: read again").toHaveLength(1);
    expect(after.ok && after.value.alerts, "judged with B's rule").toEqual([]);

    // Node B ingests; node A's next ingest judges against B's head and its state, read fresh.
    await b.updateSubscription("sc", sub, { threshold_json: { value_delta_pct: 0.01, on_field: "score" }, lifecycle: LIFECYCLE }, "o", "whsec_dGVzdA==");
    expect((await ingest(b, 5)).ok && true).toBe(true);
    capture = [];
    const fires = await ingest(a, 6);
    expect(reads(capture)).toHaveLength(1);
    expect(fires.ok && fires.value.alerts, "B's first hold counted: the second hold, on A, fires").toHaveLength(1);
    capture = null;
  });

  it("carries this node's own writes: lifecycle states and the last notified snapshot", async () => {
    await a.createDashboard("sc2", { ...DEFAULT_SETTINGS, rank_by: "score" }, "o");
    await a.createSubscription({ dashboard_id: "sc2", subscriber_kind: "persona", subscriber_id: "p", threshold_json: { value_delta_pct: 0.01, on_field: "score" }, fallback: null, owner: "o", lifecycle: LIFECYCLE }, { secret: null, fallback_secret: null }, "o");
    const post = (k: number) => a.ingestSnapshot({ dashboardId: "sc2", rows: [{ id: "a", score: k }], primaryMetric: null, takenAt: null, actor: "t" });
    await post(1);
    capture = [];
    const first = await post(2);
    const second = await post(3);
    const n = reads(capture).length;
    capture = null;
    expect(first.ok && first.value.alerts, "one hold of two").toEqual([]);
    expect(second.ok && second.value.alerts, "the cached state held the first hold").toHaveLength(1);
    expect(n, "each ingest found the subscriptions its predecessor on this node left").toBe(0);
  });

  it("is bounded by the subscriptions it holds: least recently used dashboard out first, one too big not kept", () => {
    const cache = createSubscriptionCache(3);
    const subs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `s${i}` })) as never[];
    const x = subs(1);
    cache.set("x", 1, x);
    cache.set("y", 1, subs(1));
    expect(cache.get("x", 1)).toBe(x); // x is now the most recently used
    cache.set("z", 1, subs(2)); // 4 held: y goes, then 3
    expect(cache.get("y", 1)).toBeUndefined();
    expect(cache.get("x", 1)).toBe(x);
    expect(cache.get("x", 2), "another head").toBeUndefined();
    cache.set("big", 1, subs(4));
    expect(cache.get("big", 1)).toBeUndefined();
    expect(cache.get("z", 1)).toHaveLength(2);
  });
});
