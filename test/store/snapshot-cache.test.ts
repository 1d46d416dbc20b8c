// The snapshot cache is bounded by the JSON size of the rows it holds (SNAPSHOT_CACHE_BYTES), not by rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createSnapshotCache, type CachedSnapshot } from "../../src/store/snapshot-cache.js";
import { ingestSnapshot } from "../../src/store/ingest.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

const entry = (bytes: number): CachedSnapshot => ({ data: { rows: [{ id: 1 }], primaryMetric: null }, takenAt: new Date(0), bytes });

describe("snapshot cache", () => {
  it("holds up to its bound exactly, and drops the least recently used past it", () => {
    const cache = createSnapshotCache(1000);
    cache.keep("a", entry(400));
    cache.keep("b", entry(600));
    expect(cache.bytes).toBe(1000);
    expect(cache.get("a")).toBeDefined(); // a is now the most recently used
    cache.keep("c", entry(1));
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
    expect(cache.bytes).toBe(401);
  });

  it("keeps one row of many bytes to the byte bound, however few rows that is", () => {
    // The finding: 42 one-row 5 MiB snapshots were all kept under a row bound.
    const cache = createSnapshotCache(16 * 5 * 2 ** 20);
    for (let i = 0; i < 42; i++) cache.keep(`s${i}`, entry(5 * 2 ** 20));
    expect(cache.bytes).toBe(16 * 5 * 2 ** 20);
    expect(cache.get("s25")).toBeUndefined();
    expect(cache.get("s26")).toBeDefined();
  });

  it("does not keep a snapshot larger than the whole bound; 0 keeps nothing", () => {
    const cache = createSnapshotCache(1000);
    cache.keep("small", entry(10));
    cache.keep("big", entry(1001));
    expect(cache.get("big")).toBeUndefined();
    expect(cache.get("small")).toBeDefined();
    const off = createSnapshotCache(0);
    off.keep("x", entry(1));
    expect(off.get("x")).toBeUndefined();
    expect(off.bytes).toBe(0);
  });

  it("lets a replaced latest go, unless it was also kept as a baseline, and forgets its bytes", () => {
    const cache = createSnapshotCache(1000);
    cache.setLatest("d", "old", entry(300));
    cache.setLatest("d", "new", entry(200));
    expect(cache.get("old")).toBeUndefined();
    expect(cache.get("new")).toBeDefined();
    expect(cache.bytes).toBe(200);
    // Read as a baseline while it was the latest (a last-notified baseline, say): it stays when replaced.
    cache.keep("new", cache.get("new")!);
    cache.setLatest("d", "newer", entry(100));
    expect(cache.get("new")).toBeDefined();
    expect(cache.bytes).toBe(300);
    // Another dashboard's latest is its own.
    cache.setLatest("e", "other", entry(50));
    cache.setLatest("d", "newest", entry(10));
    expect(cache.get("newer")).toBeUndefined();
    expect(cache.get("other")).toBeDefined();
    expect(cache.bytes).toBe(260);
  });

  it("is configured by SNAPSHOT_CACHE_BYTES, by default 16 MiB embedded and 64 MiB on PostgreSQL", () => {
    expect(loadConfig({}).snapshotCacheBytes).toBe(16 * 2 ** 20);
    expect(loadConfig({ DATABASE_URL: "postgres://db/x" }).snapshotCacheBytes).toBe(64 * 2 ** 20);
    expect(loadConfig({ SNAPSHOT_CACHE_BYTES: "0" }).snapshotCacheBytes).toBe(0);
    expect(loadConfig({ SNAPSHOT_CACHE_BYTES: "1048576" }).snapshotCacheBytes).toBe(1048576);
    expect(() => loadConfig({ SNAPSHOT_CACHE_BYTES: "-1" })).toThrow(/SNAPSHOT_CACHE_BYTES/);
  });
});

describe("snapshot cache under ingest", () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore();
  });
  afterAll(() => t.close());

  it("holds one snapshot per dashboard: the latest, which the next diff reads", async () => {
    await t.store.createDashboard("cached", DEFAULT_SETTINGS, "owner");
    const cache = createSnapshotCache(2 ** 20);
    const rows = (k: number) => [{ id: "a", score: k }, { id: "b", score: 10 - k }];
    for (let k = 0; k < 5; k++) {
      const result = await ingestSnapshot(t.database.db, cache, { dashboardId: "cached", rows: rows(k), primaryMetric: null, takenAt: null, actor: "t" }, new Date());
      expect(result.ok).toBe(true);
    }
    expect(cache.bytes).toBe(JSON.stringify(rows(4)).length);
  });
});
