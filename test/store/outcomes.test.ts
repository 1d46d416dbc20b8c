// The Store port's expected failures are Result values (store.ts): each kind a write, a snapshot read or a rule
// tool can refuse with comes back as { ok: false, error }, and nothing is changed by it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import type { Subscription } from "../../src/store/store.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const DAY = 86_400_000;
let t: TestStore;
let sub: Subscription;
const snapshots: string[] = [];

beforeAll(async () => {
  // No cache: explain must read a pruned snapshot's rows from the table to find them gone.
  t = await createTestStore({ snapshotCacheBytes: 0 });
  await t.store.createDashboard("outcomes", DEFAULT_SETTINGS);
  ({ subscription: sub } = await t.store.createSubscription(
    { dashboard_id: "outcomes", subscriber_kind: "persona", subscriber_id: "p", threshold_json: { top_n_reordering: 5 }, fallback: null, owner: "p" },
    { secret: null, fallback_secret: null },
    "p",
  ));
  for (const day of [1, 2]) {
    const result = await t.store.ingestSnapshot({ dashboardId: "outcomes", rows: [{ id: "a" }], primaryMetric: null, takenAt: new Date(Date.UTC(2024, 0, day)), actor: "p" });
    if (!result.ok) throw new Error(result.error);
    snapshots.push(result.value.snapshot_id);
  }
});
afterAll(() => t.close());

describe("Store outcomes", () => {
  it("refuses a dashboard update with not-found or top-n-conflict, and answers a change with its value", async () => {
    expect(await t.store.updateDashboard("nowhere", { name: "x" })).toEqual({ ok: false, error: "not-found" });
    expect(await t.store.updateDashboardLogged("outcomes", { top_n: 4 }, "p")).toEqual({ ok: false, error: "top-n-conflict" });
    expect((await t.store.getDashboard("outcomes"))!.top_n).toBe(DEFAULT_SETTINGS.top_n);
    const renamed = await t.store.updateDashboardLogged("outcomes", { name: "Outcomes" }, "p");
    expect(renamed).toMatchObject({ ok: true, value: { dashboard: { name: "Outcomes" }, entries: [{ event: { kind: "dashboard.updated" } }] } });
  });

  it("refuses a create past the quota with its scope and limit", async () => {
    const input = { dashboard_id: "outcomes", subscriber_kind: "persona" as const, subscriber_id: "p", threshold_json: { set_added_min: 1 }, fallback: null, owner: "p" };
    const created = await t.store.createSubscription(input, { secret: null, fallback_secret: null }, "p", { perDashboard: 1, perOwner: 10 });
    expect(created).toEqual({ ok: false, error: "quota-exceeded", scope: "dashboard", limit: 1 });
    expect(await t.store.listSubscriptions("outcomes", null)).toHaveLength(1);
  });

  it("answers an update or a delete of an unknown subscription with not-found", async () => {
    expect(await t.store.updateSubscription("outcomes", UNKNOWN, { enabled: false }, "p", "whsec_x")).toEqual({ ok: false, error: "not-found" });
    expect(await t.store.updateSubscription("nowhere", sub.id, { enabled: false }, "p", "whsec_x")).toEqual({ ok: false, error: "not-found" });
    expect(await t.store.deleteSubscription("outcomes", UNKNOWN, "p")).toEqual({ ok: false, error: "not-found" });
    expect((await t.store.getSubscription("outcomes", sub.id))!.enabled).toBe(true);
  });

  it("explains a stored snapshot, and answers not-found for an unknown one and gone for a pruned one", async () => {
    expect(await t.store.explain("outcomes", sub.id, snapshots[0]!)).toMatchObject({ ok: true, value: { snapshot_id: snapshots[0], matched: false } });
    expect(await t.store.explain("outcomes", sub.id, UNKNOWN)).toEqual({ ok: false, error: "not-found" });
    const cutoff = new Date(Date.UTC(2024, 0, 1) + DAY / 2);
    const pass = await t.store.prune({ eventsBefore: null, snapshotRowsBefore: cutoff, deliveriesBefore: new Date(0), idempotencyKeysBefore: new Date(0) }, { batchSize: 10 });
    expect(pass).toMatchObject({ ok: true, value: { snapshot_rows: 1 } });
    expect(await t.store.explain("outcomes", sub.id, snapshots[0]!)).toEqual({ ok: false, error: "gone" });
  });

  it("refuses a second dashboard with the same id with conflict, and keeps the first", async () => {
    expect(await t.store.createDashboard("outcomes", { ...DEFAULT_SETTINGS, name: "Twin" })).toEqual({ ok: false, error: "conflict" });
    expect((await t.store.getDashboard("outcomes"))!.name).toBe("Outcomes");
  });

  it("reads a stored snapshot, and answers not-found for an unknown one and gone for a pruned one", async () => {
    expect(await t.store.getSnapshot("outcomes", snapshots[1]!)).toMatchObject({ ok: true, value: { id: snapshots[1], rows: [{ id: "a" }] } });
    expect(await t.store.getSnapshot("outcomes", UNKNOWN)).toEqual({ ok: false, error: "not-found" });
    expect(await t.store.getSnapshot("outcomes", snapshots[0]!)).toEqual({ ok: false, error: "gone" });
    expect(await t.store.snapshotAt("outcomes", new Date(Date.UTC(2023, 11, 31)))).toEqual({ ok: false, error: "not-found" });
    expect(await t.store.snapshotAt("outcomes", new Date(Date.UTC(2024, 0, 1, 12)))).toEqual({ ok: false, error: "gone" });
    expect(await t.store.snapshotAt("outcomes", new Date(Date.UTC(2024, 0, 3)))).toMatchObject({ ok: true, value: { id: snapshots[1] } });
  });

  it("refuses a backtest over more snapshots than its bound with too-many and the count", async () => {
    const input = { rule: { set_added_min: 1 }, baseline: "previous" as const, lifecycle: null };
    expect(await t.store.backtest("outcomes", { ...input, maxSnapshots: 1 })).toEqual({ ok: false, error: "too-many", count: 2 });
    expect(await t.store.backtest("outcomes", { ...input, maxSnapshots: 2 })).toMatchObject({ ok: true, value: { evaluated: 2 } });
  });

  it("answers a secret rotation of anything but a webhook subscription with not-found", async () => {
    expect(await t.store.rotateSecret("outcomes", sub.id, "whsec_x")).toEqual({ ok: false, error: "not-found" });
    expect(await t.store.rotateSecret("outcomes", UNKNOWN, "whsec_x")).toEqual({ ok: false, error: "not-found" });
  });
});
