// Ordering and completeness: replay-then-live with `since`, hole fills from the log on dashboard and
// persona channels, and retention gaps.
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/protocol/event.js";
import { commitEvents, commitSnapshot, createDashboard, createTestStore, startHarness, subscribePersona, yieldToIo, type Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";
import type { TestClient } from "./helpers/ws-client.js";

const seqs = (c: TestClient, channel?: string) => c.events(channel).map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const alertsOf = (entries: LogEntry[], persona: string) => entries.filter((e) => e.persona === persona);

describe("hub resume and ordering", () => {
  const t = hubTestContext("r");
  let h: Harness;
  const newDashboard = t.newDashboard;

  it("replays the missed range before going live, nothing twice, while events keep being published", async () => {
    h = await t.start({ config: { replayPageSize: 4 } });
    const d = await newDashboard();
    await h.hub.publish(await commitEvents(h.store, d, 10));

    // Publishing runs on while three clients resume at different points of it.
    let stop = false;
    const publisher = (async () => {
      while (!stop) {
        await h.hub.publish(await commitEvents(h.store, d, 1));
        await yieldToIo();
      }
    })();
    const clients: { c: TestClient; since: number }[] = [];
    for (const since of [3, 0, 10]) {
      const c = await h.client(`p${since}`);
      expect(await c.subscribe(`dashboard:${d}`, { [d]: since })).toMatchObject({ type: "subscribed", recovered: true });
      clients.push({ c, since });
    }
    await clients[2]!.c.waitUntil(() => clients[2]!.c.events().length >= 5);
    stop = true;
    await publisher;
    const head = (await h.store.getDashboard(d))!.head_seq;
    for (const { c, since } of clients) {
      await c.waitUntil(() => c.events().at(-1)?.seq === head);
      expect(seqs(c)).toEqual(range(since + 1, head));
      expect(c.gaps()).toEqual([]);
    }
  });

  it("holds at most inboxLimit live entries during a long replay and reads the overflow back from the log", async () => {
    // Enough catch-up pages that the overflow is read back, not turned into a broker_outage gap: with
    // byte-bounded pages (two queries each) the publisher can get more than 4 pages of 2 ahead.
    h = await t.start({ config: { replayPageSize: 2 }, tuning: { inboxLimit: 2, maxCatchUpPages: 100 } });
    const d = await newDashboard();
    await commitEvents(h.store, d, 30);
    let stop = false;
    let maxPending = 0;
    const publisher = (async () => {
      for (let i = 0; i < 40 && !stop; i++) {
        await h.hub.publish(await commitEvents(h.store, d, 1));
        maxPending = Math.max(maxPending, h.hub.stats().pendingEntries);
        await yieldToIo();
      }
    })();
    const c = await h.client("alice");
    await c.subscribe(`dashboard:${d}`, { [d]: 0 });
    await publisher;
    stop = true;
    const head = (await h.store.getDashboard(d))!.head_seq;
    await c.waitUntil(() => c.events().at(-1)?.seq === head, 10_000);
    expect(seqs(c)).toEqual(range(1, head));
    // Two held entries plus the newest one per dashboard past the bound.
    expect(maxPending).toBeLessThanOrEqual(3);
  });

  it("sends subscribed before any replayed event", async () => {
    h = await t.start();
    const d = await newDashboard();
    await commitEvents(h.store, d, 3);
    const c = await h.client("alice");
    await c.subscribe(`dashboard:${d}`, { [d]: 0 });
    await c.waitUntil(() => c.events().length === 3);
    expect(c.frames.slice(1).map((f) => f.type)).toEqual(["subscribed", "event", "event", "event"]);
  });

  it("fills a hole from the log when a later event is published first", async () => {
    h = await t.start();
    const d = await newDashboard();
    const c = await h.client("alice");
    await c.subscribe(`dashboard:${d}`);
    const [e1, e2, e3] = await commitEvents(h.store, d, 3);
    await h.hub.publish([e3!]);
    await h.hub.publish([e1!, e2!]); // late, and by then duplicates
    await c.waitUntil(() => c.events().length === 3);
    await h.hub.publish(await commitEvents(h.store, d, 1));
    await c.waitUntil(() => c.events().length === 4);
    expect(seqs(c)).toEqual([1, 2, 3, 4]);
  });

  it("fills a persona hole named by prev_seq, and drops the late duplicate", async () => {
    h = await t.start();
    const d = await newDashboard();
    await subscribePersona(h.store, d, "alice");
    await commitSnapshot(h.store, d); // baseline: no alert
    const c = await h.client("alice");
    await c.subscribe("persona:alice", { [d]: (await h.store.getDashboard(d))!.head_seq });
    const batches = [await commitSnapshot(h.store, d), await commitSnapshot(h.store, d), await commitSnapshot(h.store, d)];
    const alerts = batches.flatMap((b) => alertsOf(b, "alice"));
    expect(alerts.map((a) => a.prev_seq)).toEqual([0, alerts[0]!.event.seq, alerts[1]!.event.seq]);
    await h.hub.publish(batches[2]!);
    await h.hub.publish(batches[0]!);
    await c.waitUntil(() => c.events().length === 3);
    expect(seqs(c)).toEqual(alerts.map((a) => a.event.seq));
    expect(c.events().every((e) => e.kind === "alert.matched")).toBe(true);
  });

  it("fills a persona hole on a dashboard first met live, without replaying older alerts", async () => {
    h = await t.start({ tuning: { firstSightSkewMs: 0 } });
    const d = await newDashboard();
    await subscribePersona(h.store, d, "alice");
    await commitSnapshot(h.store, d);
    const old = alertsOf(await commitSnapshot(h.store, d), "alice"); // before the subscription
    const c = await h.client("alice");
    await c.subscribe("persona:alice");
    const a1 = alertsOf(await commitSnapshot(h.store, d), "alice");
    const a2 = alertsOf(await commitSnapshot(h.store, d), "alice");
    expect(a2[0]!.prev_seq).toBe(a1[0]!.event.seq);
    await h.hub.publish(a2);
    await c.waitUntil(() => c.events().length === 2);
    expect(seqs(c)).toEqual([a1[0]!.event.seq, a2[0]!.event.seq]);
    expect(seqs(c)).not.toContain(old[0]!.event.seq);
  });

  it("replays a persona's alerts on several dashboards from since", async () => {
    h = await t.start();
    const [d1, d2] = [await newDashboard(), await newDashboard()];
    for (const d of [d1, d2]) {
      await subscribePersona(h.store, d, "alice");
      await subscribePersona(h.store, d, "bob");
      await commitSnapshot(h.store, d);
    }
    const first = alertsOf(await commitSnapshot(h.store, d1), "alice");
    const missed1 = alertsOf(await commitSnapshot(h.store, d1), "alice");
    const missed2 = alertsOf(await commitSnapshot(h.store, d2), "alice");
    const c = await h.client("alice");
    expect(await c.subscribe("persona:alice", { [d1]: first[0]!.event.seq, [d2]: 0 })).toMatchObject({ recovered: true });
    await c.waitUntil(() => c.events().length === 2);
    expect(c.events().map((e) => [e.dashboard_id, e.seq, e.prev_seq])).toEqual([
      [d1, missed1[0]!.event.seq, first[0]!.event.seq],
      [d2, missed2[0]!.event.seq, 0],
    ]);
  });

  it("resumes live on both channels of one dashboard without mixing them", async () => {
    h = await t.start();
    const d = await newDashboard();
    await subscribePersona(h.store, d, "alice");
    await commitSnapshot(h.store, d);
    const c = await h.client("alice");
    await c.subscribe(`dashboard:${d}`);
    await c.subscribe("persona:alice");
    const entries = await commitSnapshot(h.store, d);
    await h.hub.publish(entries);
    await c.waitUntil(() => c.events().length === 3);
    expect(seqs(c, `dashboard:${d}`)).toEqual(entries.map((e) => e.event.seq));
    expect(seqs(c, "persona:alice")).toEqual(alertsOf(entries, "alice").map((e) => e.event.seq));
  });
});

describe("hub resume over a pruned log", () => {
  it("answers recovered false and names the pruned range in a retention gap", async () => {
    let clock = new Date("2024-01-01T00:00:00Z");
    const testStore = await createTestStore({ now: () => clock });
    const h = await startHarness({ store: testStore.store });
    try {
      await createDashboard(h.store, "pruned");
      await commitEvents(h.store, "pruned", 5);
      clock = new Date("2024-02-01T00:00:00Z");
      await h.store.pruneEvents(new Date("2024-01-15T00:00:00Z"));
      await commitEvents(h.store, "pruned", 2);

      const c = await h.client("alice");
      expect(await c.subscribe("dashboard:pruned", { pruned: 2 })).toMatchObject({ recovered: false });
      await c.waitUntil(() => c.events().length === 2);
      expect(c.gaps()).toEqual([
        { type: "gap", channel: "dashboard:pruned", dashboard_id: "pruned", from_seq: 3, to_seq: 5, reason: "retention", recoverable: false },
      ]);
      expect(seqs(c)).toEqual([6, 7]);
    } finally {
      await h.close();
      await testStore.close();
    }
  });
});
