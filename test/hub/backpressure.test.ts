// A client that stops reading: the hub stops writing to it at its byte budget, tells it what it missed
// with one recoverable gap once it drains, and closes it with 4408 if it stays over budget too long.
import type { Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { CLOSE } from "../../src/protocol/frames.js";
import { commitBigEvent, yieldToIo, type Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";
import type { TestClient } from "./helpers/ws-client.js";

const BUDGET = 64 * 1024;
const EVENT_BYTES = 100_000;
// Loopback kernel buffers absorb a few MB before ws has to queue anything; this is far past that.
const MAX_EVENTS = 300;

async function droppedCount(h: Harness): Promise<number> {
  const metric = h.node.registry.getSingleMetric("dashwatch_ws_events_dropped_total") as Counter;
  return (await metric.get()).values[0]?.value ?? 0;
}

/** Publishes big events to a paused client until the hub drops some, then `extra` more. */
async function floodUntilDropping(h: Harness, d: string, extra: number): Promise<{ maxQueued: number; published: number }> {
  let maxQueued = 0;
  let published = 0;
  let afterDrop = -1;
  while (published < MAX_EVENTS && afterDrop < extra) {
    await h.hub.publish(await commitBigEvent(h.store, d, EVENT_BYTES));
    published++;
    await yieldToIo();
    maxQueued = Math.max(maxQueued, h.hub.stats().queuedBytes);
    if (afterDrop >= 0) afterDrop++;
    else if ((await droppedCount(h)) > 0) afterDrop = 0;
  }
  if (afterDrop < 0) throw new Error(`no event dropped after ${published} events`);
  return { maxQueued, published };
}

describe("hub backpressure", () => {
  const t = hubTestContext("b");
  let h: Harness;
  let c: TestClient;
  const newDashboard = t.newDashboard;
  // Registered after the context's own afterEach, so it runs first: a paused client would hold up close.
  afterEach(() => {
    if (c) c.ws.resume();
  });

  it("stops writing at the budget, then sends one recoverable gap the client can replay", async () => {
    h = await t.start({ config: { wsOutboundBudgetBytes: BUDGET, wsSlowCloseMs: 60_000 } });
    const d = await newDashboard();
    c = await h.client("slow");
    await c.subscribe(`dashboard:${d}`);
    c.ws.pause();

    const { maxQueued, published } = await floodUntilDropping(h, d, 5);
    // Bounded whatever the client does: the budget plus at most one frame.
    expect(maxQueued).toBeLessThanOrEqual(BUDGET + EVENT_BYTES + 1024);
    expect(h.hub.stats().pendingEntries).toBe(0);

    c.ws.resume();
    await c.waitUntil(() => c.gaps().length === 1, 15_000);
    const gap = c.gaps()[0]!;
    expect(gap).toMatchObject({ reason: "slow_consumer", recoverable: true, channel: `dashboard:${d}`, dashboard_id: d });
    const delivered = c.events().map((e) => e.seq);
    // What was written and what the gap names cover every seq once, in order.
    const covered = [...delivered, ...Array.from({ length: gap.to_seq - gap.from_seq + 1 }, (_, i) => gap.from_seq + i)].sort((a, b) => a - b);
    expect(covered).toEqual(Array.from({ length: published }, (_, i) => i + 1));
    expect(delivered.every((s) => s < gap.from_seq)).toBe(true);

    // The range is in the log for the client to replay, and the connection is live again.
    const replay = await h.store.readEvents(d, { afterSeq: gap.from_seq - 1, limit: 1000 });
    expect(replay.entries.map((e) => e.event.seq)).toEqual(covered.filter((s) => s >= gap.from_seq));
    await h.hub.publish(await commitBigEvent(h.store, d, 10));
    await c.waitUntil(() => c.events().at(-1)?.seq === published + 1, 10_000);
  });

  it("closes a connection that stays over budget for wsSlowCloseMs with 4408", async () => {
    h = await t.start({ config: { wsOutboundBudgetBytes: BUDGET, wsSlowCloseMs: 300 } });
    const d = await newDashboard();
    c = await h.client("stuck");
    await c.subscribe(`dashboard:${d}`);
    c.ws.pause();
    await floodUntilDropping(h, d, 0);
    await expect.poll(() => h.hub.stats().connections, { timeout: 5000 }).toBe(0);
    c.ws.resume();
    expect((await c.closed).code).toBe(CLOSE.slowConsumer);
    const closes = h.node.registry.getSingleMetric("dashwatch_ws_slow_consumer_closes_total") as Counter;
    expect((await closes.get()).values[0]?.value).toBe(1);
  });

  it("keeps serving fast clients on the same channel while one is slow", async () => {
    // A budget of ten frames: the fast client keeps up even when the event loop is busy committing.
    h = await t.start({ config: { wsOutboundBudgetBytes: 10 * EVENT_BYTES, wsSlowCloseMs: 60_000 } });
    const d = await newDashboard();
    c = await h.client("slow");
    const fast = await h.client("fast");
    await c.subscribe(`dashboard:${d}`);
    await fast.subscribe(`dashboard:${d}`);
    c.ws.pause();
    const { published } = await floodUntilDropping(h, d, 2);
    await fast.waitUntil(() => fast.events().length === published, 15_000);
    expect(fast.gaps()).toEqual([]);
  });
});
