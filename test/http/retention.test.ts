// Retention of everything with a short clock: snapshot rows (410 gone, the latest kept), events and the
// snapshot objects that go with them, finished deliveries and expired idempotency keys, in batches, one
// pruner at a time.
import { randomUUID } from "node:crypto";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createRetention } from "../../src/retention.js";
import { openDatabase } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import type { PruneKind } from "../../src/store/retention-batches.js";
import { deliveries, idempotencyKeys } from "../../src/store/schema.js";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const DAY = 86_400_000;
const T0 = Date.parse("2024-01-01T00:00:00Z");
let clock = T0;
const now = () => new Date(clock);
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

let t: TestApp;
let admin: string;
const silent = pino({ level: "silent" });
const retention = (o: { batchSize?: number; betweenBatches?: (kind: PruneKind) => Promise<void>; metrics?: Registry } = {}) =>
  createRetention({ store: t.store, eventRetentionDays: 10, snapshotRetentionDays: 3, logger: silent, now, ...o });

beforeAll(async () => {
  t = await createTestApp({ now });
  admin = await setupDashboard(t, "ret");
  await setupDashboard(t, "lone");
});
afterAll(() => t.close());

const post = async (id: string, scores: Record<string, number>) => {
  const res = await t.call("POST", `/api/dashboard/${id}/snapshot`, { token: admin, body: { rows: leaderboard(scores) } });
  expect(res.status).toBe(201);
  return res.body.snapshot_id as string;
};
const getSnapshot = (id: string, snapshotId: string) => t.call("GET", `/api/dashboard/${id}/snapshots/${snapshotId}`, { token: admin });
const snapshotAt = (id: string, when: string) => t.call("GET", `/api/dashboard/${id}/snapshots?at=${when}`, { token: admin });
const oldFinished = (dashboardId: string, status: "delivered" | "failed" | "cancelled" | "pending", createdAt: Date) => ({
  id: randomUUID(),
  dashboardId,
  seq: 1,
  subscriptionId: randomUUID(),
  channel: "webhook" as const,
  target: "https://hooks.example.com/x",
  reason: "direct" as const,
  nextAttemptAt: createdAt,
  status,
  createdAt,
});

describe("retention", () => {
  let s1: string, s2: string, s3: string, lone: string;

  it("deletes the rows of snapshots past SNAPSHOT_RETENTION_DAYS but keeps each dashboard's latest: 410 gone", async () => {
    s1 = await post("ret", { a: 1, b: 2 });
    clock = T0 + 1 * DAY;
    s2 = await post("ret", { a: 5, b: 2 });
    lone = await post("lone", { a: 1 });
    clock = T0 + 5 * DAY;
    s3 = await post("ret", { a: 5, b: 9 });
    clock = T0 + 6 * DAY;

    const counts = await retention().runOnce();
    expect(counts).toEqual({ events: 0, snapshot_rows: 2, snapshots: 0, deliveries: 0, idempotency_keys: 0 });

    for (const id of [s1, s2]) {
      const res = await getSnapshot("ret", id);
      expect(res.status).toBe(410);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body).toMatchObject({ type: "https://dashwatch.dev/problems/gone", status: 410 });
    }
    expect((await snapshotAt("ret", at(1.5))).status).toBe(410);
    // The latest is kept however old: lone's only snapshot is 5 days past the cutoff.
    expect((await getSnapshot("lone", lone)).body.snapshot.rows).toEqual(leaderboard({ a: 1 }));
    expect((await getSnapshot("ret", s3)).body.snapshot.rows).toEqual(leaderboard({ a: 5, b: 9 }));
    expect((await snapshotAt("ret", at(5.5))).body.snapshot.id).toBe(s3);

    // The objects and their diffs stay while their events do.
    const list = await t.call("GET", "/api/dashboard/ret/snapshots", { token: admin });
    expect(list.body.snapshots.map((s: { id: string }) => s.id)).toEqual([s3, s2, s1]);
    expect(list.body.snapshots[1]).toMatchObject({ row_count: 2, taken_at: at(1) });
    const events = await t.call("GET", "/api/dashboard/ret/events?kinds=snapshot.created", { token: admin });
    const created = events.body.events.find((e: { data: { snapshot_id: string } }) => e.data.snapshot_id === s2);
    expect(created.data.diff).not.toBeNull();
  });

  it("prunes events past EVENT_RETENTION_DAYS, and then the snapshot objects whose rows and events are gone", async () => {
    clock = T0 + 12 * DAY;
    const counts = await retention().runOnce();
    expect(counts).not.toBe("busy");
    if (counts === "busy") return;
    // ret: dashboard creation day's events and s1's, s2's; lone's creation and snapshot. s3's events (day 5) stay.
    expect(counts.events).toBeGreaterThanOrEqual(3);
    expect(counts.snapshots).toBe(2);
    const events = await t.call("GET", "/api/dashboard/ret/events", { token: admin });
    expect(events.body.events.length).toBeGreaterThan(0);
    expect(events.body.events.every((e: { at: string }) => e.at >= at(2))).toBe(true);
    expect((await getSnapshot("ret", s1)).status).toBe(404);
    expect((await getSnapshot("ret", s3)).status).toBe(200);
    expect((await getSnapshot("lone", lone)).status).toBe(200);
  });

  it("prunes finished deliveries after 30 days and idempotency keys after 24 h, in batches of batchSize", async () => {
    const old = new Date(clock - 31 * DAY);
    const recent = new Date(clock - 1 * DAY);
    const keep = [oldFinished("ret", "pending", old), oldFinished("ret", "delivered", recent)];
    const prunable = [
      oldFinished("ret", "delivered", old),
      oldFinished("ret", "failed", old),
      oldFinished("ret", "cancelled", old),
      oldFinished("lone", "delivered", old),
      oldFinished("lone", "failed", old),
    ];
    const { db } = t.database;
    await db.insert(deliveries).values([...keep, ...prunable]);
    const key = (k: string, createdAt: Date) => ({ dashboardId: "ret", key: k, requestHash: "h", status: 201, response: {}, createdAt });
    await db.insert(idempotencyKeys).values([key("old-1", new Date(clock - 25 * 3_600_000)), key("old-2", new Date(clock - 48 * 3_600_000)), key("fresh", new Date(clock - 3_600_000))]);

    const batches: PruneKind[] = [];
    const counts = await retention({ batchSize: 2, betweenBatches: async (kind) => void batches.push(kind) }).runOnce();
    expect(counts).toMatchObject({ deliveries: 5, idempotency_keys: 2 });
    // 5 rows in batches of 2: two full batches, each followed by a pause, then a short one.
    expect(batches.filter((k) => k === "deliveries")).toHaveLength(2);
    expect(batches.filter((k) => k === "idempotency_keys")).toHaveLength(1);
    const left = await db.select({ id: deliveries.id }).from(deliveries);
    expect(left.map((r) => r.id).sort()).toEqual(keep.map((r) => r.id).sort());
    expect((await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map((r) => r.key)).toEqual(["fresh"]);
  });

  it("runs one pass at a time across nodes: a second pruner finds the lock held and does nothing", async () => {
    const old = new Date(clock - 40 * DAY);
    await t.database.db.insert(deliveries).values([0, 1, 2].map(() => oldFinished("ret", "delivered", old)));
    // On PostgreSQL the second pruner is another node's store on the same database; PGlite is one process.
    const other = t.databaseUrl ? createDrizzleStore(await openDatabase({ databaseUrl: t.databaseUrl, poolSize: 2 })) : t.store;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let paused!: () => void;
    const inside = new Promise<void>((resolve) => (paused = resolve));
    const metrics = new Registry();
    try {
      const first = retention({ batchSize: 1, metrics, betweenBatches: () => (paused(), gate) }).runOnce();
      await inside;
      // Paused between two batches, the pass holds nothing that ingest needs.
      clock += 1000;
      await post("ret", { a: 7, b: 9 });
      const second = createRetention({ store: other, eventRetentionDays: 10, snapshotRetentionDays: 3, logger: silent, now, metrics: new Registry() });
      expect(await second.runOnce()).toBe("busy");
      release();
      expect(await first).toMatchObject({ deliveries: 3 });
      expect(await second.runOnce()).toMatchObject({ deliveries: 0 });
      const text = await metrics.metrics();
      expect(text).toContain('dashwatch_retention_pruned_total{kind="deliveries"} 3');
      expect(text).toContain('dashwatch_retention_passes_total{outcome="done"} 1');
    } finally {
      if (other !== t.store) await other.close();
    }
  });
});

describe("SNAPSHOT_RETENTION_DAYS", () => {
  it("takes a whole number of days ≥ 1, or unset for forever, and names itself when malformed", () => {
    expect(loadConfig({ SNAPSHOT_RETENTION_DAYS: "1" }).snapshotRetentionDays).toBe(1);
    expect(loadConfig({}).snapshotRetentionDays).toBeNull();
    for (const bad of ["0", "1.5", "-2", "week"]) {
      expect(() => loadConfig({ SNAPSHOT_RETENTION_DAYS: bad })).toThrow(/SNAPSHOT_RETENTION_DAYS/);
    }
  });
});
