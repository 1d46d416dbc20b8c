// What a single op may cost: a `since` over WS_MAX_CHANNELS keys is refused before any database work, and
// an ack is written only for a dashboard the connection follows, up to its head.
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.js";
import { commitEvents, commitSnapshot, startHarness, subscribePersona } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";
import type { TestClient } from "./helpers/ws-client.js";

/** The store, with the name of every method called on it recorded. */
function countingStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, calls };
}

const since = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, 0]));

/** Sends the ack, then a ping: ops run in order, so the pong means the ack was handled. */
async function ackAndWait(c: TestClient, dashboardId: string, seq: number): Promise<void> {
  const pongs = c.frames.filter((f) => f.type === "pong").length;
  c.send({ op: "ack", dashboard_id: dashboardId, seq });
  c.send({ op: "ping" });
  await c.waitUntil(() => c.frames.filter((f) => f.type === "pong").length === pongs + 1);
}

const ackErrors = (c: TestClient) => c.frames.filter((f) => f.type === "error" && f.code === "bad-request" && f.channel === undefined);

describe("hub op bounds", () => {
  const t = hubTestContext("o");

  it("refuses a since naming more than wsMaxChannels dashboards with bad-request, before touching the store", async () => {
    const { store, calls } = countingStore(t.store);
    const h = await startHarness({ store, config: { wsMaxChannels: 4 } });
    try {
      const c = await h.client("alice");
      expect(await c.subscribe("persona:alice", since(5))).toMatchObject({ type: "error", code: "bad-request", channel: "persona:alice" });
      expect(calls).toEqual([]);
      // At the limit it is a resume like any other.
      expect(await c.subscribe("persona:alice", since(4))).toMatchObject({ type: "subscribed", channel: "persona:alice" });
    } finally {
      await h.close();
    }
  });

  it("writes no ack for a dashboard that does not exist, one the connection does not follow, or a seq past the head", async () => {
    const h = await t.start();
    const followed = await t.newDashboard();
    const other = await t.newDashboard();
    await commitEvents(h.store, followed, 3);
    await commitEvents(h.store, other, 3);
    const c = await h.client("alice");
    await c.subscribe(`dashboard:${followed}`);

    await ackAndWait(c, "no-such-dashboard", 1);
    await ackAndWait(c, other, 2);
    await ackAndWait(c, followed, 4);
    expect(ackErrors(c).map((f) => f.type === "error" && f.message)).toEqual([
      'no dashboard "no-such-dashboard"',
      `this connection does not follow ${other}: subscribe to dashboard:${other} or hold a persona subscription there`,
      `seq 4 is past the head of ${followed} (3)`,
    ]);
    expect(await h.store.ackedSeq("alice", "no-such-dashboard")).toBe(0);
    expect(await h.store.ackedSeq("alice", other)).toBe(0);
    expect(await h.store.ackedSeq("alice", followed)).toBe(0);

    await ackAndWait(c, followed, 3);
    expect(await h.store.ackedSeq("alice", followed)).toBe(3);
    expect(ackErrors(c)).toHaveLength(3);
  });

  it("records an ack for a dashboard where the persona has a persona subscription, without its channel", async () => {
    const h = await t.start();
    const d = await t.newDashboard();
    await subscribePersona(h.store, d, "alice");
    await commitSnapshot(h.store, d);
    const alert = (await commitSnapshot(h.store, d)).find((e) => e.persona === "alice")!;
    const alice = await h.client("alice");
    await alice.subscribe("persona:alice");
    await ackAndWait(alice, d, alert.event.seq);
    expect(await h.store.ackedSeq("alice", d)).toBe(alert.event.seq);
    // Another persona without a subscription there may not.
    const bob = await h.client("bob");
    await ackAndWait(bob, d, alert.event.seq);
    expect(ackErrors(bob)).toHaveLength(1);
    expect(await h.store.ackedSeq("bob", d)).toBe(0);
    expect(ackErrors(alice)).toEqual([]);
  });
});
