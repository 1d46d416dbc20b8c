// A client that stops reading while the hub replays its `since` gets what a live one gets: the hub stops
// at its byte budget, reads no more of the log for it and names the rest in one recoverable gap once the
// client drains (4408 follows from the same writer when it stays over budget: backpressure.test.ts); no
// log page read for it exceeds the budget.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.js";
import { fillLog } from "./helpers/big-log.js";
import { commitBigEvent, createDashboard, createTestStore, startHarness, type Harness } from "./helpers/hub-harness.js";
import { connectClient, type TestClient } from "./helpers/ws-client.js";

const BUDGET = 256 * 1024;
const EVENT_BYTES = 100_000;
// 60 MB: well past what loopback socket buffers absorb (they grow to tens of MB here) before the hub
// has to hold anything.
const EVENTS = 600;

/**
 * The store, with the JSON size of every page of events it returned and the dashboards looked up; `beforeRead`
 * runs as each read starts, when the hub has written all it will of the page before.
 */
function pageMeter(store: Store, beforeRead: () => void) {
  const pages: { entries: number; bytes: number }[] = [];
  const lookups: string[] = [];
  const metered: Store = Object.create(store) as Store;
  metered.readEvents = async (id, query) => {
    beforeRead();
    const page = await store.readEvents(id, query);
    const bytes = page.entries.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.event.data)), 0);
    pages.push({ entries: page.entries.length, bytes });
    return page;
  };
  metered.getDashboard = async (id) => {
    lookups.push(id);
    return store.getDashboard(id);
  };
  return { store: metered, pages, lookups };
}

describe("replay under the outbound budget", () => {
  let testStore: Awaited<ReturnType<typeof createTestStore>>;
  let h: Harness | undefined;
  let c: TestClient | undefined;
  let n = 0;
  beforeAll(async () => {
    testStore = await createTestStore();
  });
  afterAll(async () => {
    await testStore.close();
  });
  afterEach(async () => {
    c?.ws.resume();
    await h?.close();
    h = undefined;
  });

  it("holds no more than the budget for a replaying client that stops reading, reads no more of the log for it, then sends one recoverable gap", async () => {
    const d = `rb${++n}`;
    await createDashboard(testStore.store, d);
    await fillLog(testStore.databaseUrl!, d, EVENTS, EVENT_BYTES);
    let maxQueued = 0;
    const sample = () => (maxQueued = Math.max(maxQueued, h?.hub.stats().queuedBytes ?? 0));
    const meter = pageMeter(testStore.store, sample);
    h = await startHarness({ store: meter.store, config: { wsOutboundBudgetBytes: BUDGET, wsSlowCloseMs: 60_000 } });
    const hub = h.hub;
    const client = await connectClient(h.url);
    c = client;
    client.send({ op: "auth", token: await h.token("reader") });
    await client.waitFor((f) => f.type === "welcome");
    client.ws.pause();
    client.send({ op: "subscribe", channel: `dashboard:${d}`, since: { [d]: 0 } });
    // A session handles its ops in order, so the store sees this one's lookup only once the replay has
    // returned: the end of the replay, observed instead of waited for. Its "not found" is a small control
    // frame, far under the cap that would close the connection.
    const probe = `${d}-probe`;
    client.send({ op: "subscribe", channel: `dashboard:${probe}` });
    await expect.poll(() => meter.lookups.includes(probe), { timeout: 20_000, interval: 10 }).toBe(true);
    sample();

    // The replay ended (its reads stopped) long before the log did: the rest became the gap.
    const read = meter.pages.reduce((sum, p) => sum + p.entries, 0);
    expect(read, "events read from the log").toBeLessThan(EVENTS / 2);
    expect(maxQueued).toBeLessThanOrEqual(BUDGET + EVENT_BYTES + 1024);
    const replayPages = meter.pages.filter((p) => p.entries > 1);
    expect(replayPages.length).toBeGreaterThan(0);
    for (const page of replayPages) expect(page.bytes).toBeLessThanOrEqual(BUDGET);

    client.ws.resume();
    await client.waitUntil(() => client.gaps().length === 1, 15_000);
    const gap = client.gaps()[0]!;
    expect(gap).toMatchObject({ reason: "slow_consumer", recoverable: true, channel: `dashboard:${d}`, to_seq: EVENTS });
    const delivered = client.events().map((e) => e.seq);
    expect(delivered).toEqual(Array.from({ length: gap.from_seq - 1 }, (_, i) => i + 1));

    // Live again after the gap.
    await hub.publish(await commitBigEvent(testStore.store, d, 10));
    await client.waitUntil(() => client.events().at(-1)?.seq === EVENTS + 1, 10_000);
  });
});
