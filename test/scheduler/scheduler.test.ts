import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/protocol/event.js";
import { createCommittedWrites } from "../../src/app/committed-writes.js";
import { createScheduler, SCHEDULER_ACTOR } from "../../src/scheduler/scheduler.js";
import { sha256 } from "../../src/app/content-hash.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import type { Store } from "../../src/store/store.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

let source: Server;
let sourceUrl: string;
let payload: unknown = [];
let t: TestStore;
beforeAll(async () => {
  source = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(payload)));
  await new Promise<void>((r) => source.listen(0, "127.0.0.1", r));
  sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}/board.json`;
  t = await createTestStore();
});
afterAll(async () => {
  source.close();
  await t.close();
});

function schedulerAt(clock: { now: Date }, published: LogEntry[], store: Store = t.store) {
  return createScheduler({
    store,
    writes: createCommittedWrites({ store, onCommitted: (e) => published.push(...e) }),
    logger: pino({ level: "silent" }),
    source: { allowPrivate: true, timeoutMs: 2000, maxBytes: 1 << 20, maxRows: 1000 },
    now: () => clock.now,
  });
}

describe("hourly snapshots", () => {
  it("snapshots on the hour, tells nobody when nothing changed, and alerts on a change", async () => {
    await t.store.createDashboard("hourly", { ...DEFAULT_SETTINGS, rank_by: "score", metadata: { snapshot_policy: "hourly" }, source_url: sourceUrl });
    await t.store.createSubscription(
      { dashboard_id: "hourly", subscriber_kind: "persona", subscriber_id: "ops", threshold_json: { not: { set_added_min: 1000 } }, fallback: null, owner: "ops" },
      { secret: null, fallback_secret: null },
      "ops",
    );
    const clock = { now: new Date("2026-03-01T00:30:00Z") };
    const published: LogEntry[] = [];
    const scheduler = schedulerAt(clock, published);
    payload = { rows: [{ id: "a", score: 1 }, { id: "b", score: 2 }] };

    expect(await scheduler.tick()).toBe(0); // learns that 01:00 is next
    clock.now = new Date("2026-03-01T00:59:59Z");
    expect(await scheduler.tick()).toBe(0);
    clock.now = new Date("2026-03-01T01:00:02Z");
    expect(await scheduler.tick()).toBe(1); // the baseline
    clock.now = new Date("2026-03-01T02:00:02Z");
    expect(await scheduler.tick()).toBe(1); // unchanged: stored, nobody told
    expect(published.filter((e) => e.event.kind === "alert.matched")).toHaveLength(0);

    payload = [{ id: "a", score: 5 }, { id: "b", score: 2 }];
    clock.now = new Date("2026-03-01T03:00:01Z");
    expect(await scheduler.tick()).toBe(1);
    const alerts = published.filter((e) => e.event.kind === "alert.matched");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.event.actor).toBe(SCHEDULER_ACTOR);
    expect((await t.store.listSnapshots("hourly", 10)).length).toBe(3);
  });

  it("takes each due instant once across two nodes", async () => {
    await t.store.createDashboard("twice", { ...DEFAULT_SETTINGS, metadata: { snapshot_policy: "*/5 * * * *" }, source_url: sourceUrl });
    payload = [{ id: "x", v: 1 }];
    const clock = { now: new Date("2026-03-01T00:01:00Z") };
    const a = schedulerAt(clock, []);
    const b = schedulerAt(clock, []);
    await Promise.all([a.tick(), b.tick()]);
    clock.now = new Date("2026-03-01T00:05:01Z");
    const taken = await Promise.all([a.tick(), b.tick()]);
    expect(taken[0]! + taken[1]!).toBe(1);
    expect((await t.store.listSnapshots("twice", 10)).length).toBe(1);
  });

  it("completes the instant's claim in the ingest transaction, so no separate write can leave it open", async () => {
    await t.store.createDashboard("sealed", { ...DEFAULT_SETTINGS, metadata: { snapshot_policy: "hourly" }, source_url: sourceUrl });
    payload = [{ id: "s", v: 1 }];
    const lostConnection: Store = {
      ...t.store,
      completeIdempotencyKey: () => Promise.reject(new Error("connection lost after the ingest committed")),
    };
    const clock = { now: new Date("2026-03-02T00:30:00Z") };
    const scheduler = schedulerAt(clock, [], lostConnection);
    await scheduler.tick();
    clock.now = new Date("2026-03-02T01:00:01Z");
    await scheduler.tick();
    expect(await t.store.listSnapshots("sealed", 10)).toHaveLength(1);
    const key = "scheduler:2026-03-02T01:00:00.000Z";
    expect(await t.store.claimIdempotencyKey("sealed", key, sha256(key))).toMatchObject({ state: "done", status: 201 });
  });

  it("ignores manual dashboards and skips a source that fails", async () => {
    await t.store.createDashboard("broken", { ...DEFAULT_SETTINGS, metadata: { snapshot_policy: "hourly" }, source_url: "http://127.0.0.1:1/nothing" });
    await t.store.createDashboard("manual", { ...DEFAULT_SETTINGS, metadata: { snapshot_policy: "manual" }, source_url: sourceUrl });
    const clock = { now: new Date("2026-03-02T00:10:00Z") };
    const s = schedulerAt(clock, []);
    await s.tick();
    clock.now = new Date("2026-03-02T01:00:01Z");
    await s.tick();
    expect(await t.store.listSnapshots("broken", 10)).toEqual([]);
    expect(await t.store.listSnapshots("manual", 10)).toEqual([]);
  });
});
