// The reconciler's query on the real store (PostgreSQL, or PGlite with TEST_STORE=pglite): dashboard heads,
// and each followed persona's latest alert per dashboard it is subscribed on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

let t: TestStore;
beforeAll(async () => {
  t = await createTestStore();
});
afterAll(() => t.close());

async function snapshot(dashboardId: string, metric: number) {
  const rows = [{ id: "a", v: metric }];
  const result = await t.store.ingestSnapshot({ dashboardId, rows, primaryMetric: metric, takenAt: null, actor: "test" });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("followedHeads", () => {
  it("answers heads and latest persona alerts in one call, leaving out what does not exist", async () => {
    for (const id of ["h1", "h2"]) await t.store.createDashboard(id, DEFAULT_SETTINGS);
    for (const persona of ["ann", "bob"]) {
      await t.store.createSubscription(
        { dashboard_id: "h1", subscriber_kind: "persona", subscriber_id: persona, threshold_json: { primary_metric_delta_pct: 0 }, fallback: null, owner: persona },
        { secret: null, fallback_secret: null },
        persona,
      );
    }
    await t.store.createSubscription(
      { dashboard_id: "h2", subscriber_kind: "persona", subscriber_id: "ann", threshold_json: { primary_metric_delta_pct: 0 }, fallback: null, owner: "ann" },
      { secret: null, fallback_secret: null },
      "ann",
    );
    await snapshot("h1", 1);
    await snapshot("h1", 2);
    const last = await snapshot("h1", 3);
    const annSeq = last.entries.find((e) => e.event.kind === "alert.matched" && e.event.data.subscriber_id === "ann")!.event.seq;

    const heads = await t.store.followedHeads(["h1", "h2", "missing"], ["ann", "nobody"]);
    expect(heads.dashboards).toEqual(new Map([["h1", (await t.store.getDashboard("h1"))!.head_seq], ["h2", (await t.store.getDashboard("h2"))!.head_seq]]));
    // ann: an alert on h1, none yet on h2; bob is not asked for.
    expect([...heads.personas.keys()]).toEqual(["ann"]);
    const ann = heads.personas.get("ann")!;
    expect([...ann.keys()]).toEqual(["h1"]);
    expect(ann.get("h1")!.seq).toBe(annSeq);
    expect(ann.get("h1")!.at).toBeInstanceOf(Date);
    expect(await t.store.followedHeads([], [])).toEqual({ dashboards: new Map(), personas: new Map() });
  });

  it("is run every HUB_RECONCILE_MS: default 5000, at least 100", () => {
    expect(loadConfig({}).hubReconcileMs).toBe(5000);
    expect(loadConfig({ HUB_RECONCILE_MS: "100" }).hubReconcileMs).toBe(100);
    expect(() => loadConfig({ HUB_RECONCILE_MS: "99" })).toThrow(/HUB_RECONCILE_MS/);
  });
});
