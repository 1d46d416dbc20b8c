// Redis going away under two hub nodes: clients keep getting every committed event, from the log while
// Redis is down and through republish and catch-up once it is back.
import type { Counter } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisBroker, type RedisBroker } from "../../src/broker/redis-broker.js";
import { spareRedisServer, type RedisServer } from "../broker/helpers/redis-server.js";
import { waitForState } from "../broker/helpers/wait-for-state.js";
import { clientOn, commitEvents, commitSnapshot, subscribePersona, type Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";

const fast = { probeIntervalMs: 100, probeTimeoutMs: 300, commandTimeoutMs: 300, reconnect: { baseMs: 20, maxMs: 100 } };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("hub across a Redis outage", () => {
  const t = hubTestContext("o");
  let server: RedisServer;
  let brokers: RedisBroker[] = [];
  let h: Harness;
  const newDashboard = t.newDashboard;
  const openBroker = async () => {
    const broker = createRedisBroker({ url: server.url, ...fast });
    brokers.push(broker);
    if (!(await broker.waitUntilUp(5000))) throw new Error("test redis-server unreachable");
    return broker;
  };
  const outage = async () => {
    await server.stop();
    await Promise.all(brokers.map((b) => waitForState(b, "down", 5000)));
  };
  const recovery = async () => {
    await server.start();
    await Promise.all(brokers.map((b) => waitForState(b, "up", 10_000)));
  };

  beforeAll(async () => {
    server = await spareRedisServer();
  });
  // After hooks run in reverse, so the brokers close before the context closes the hubs; hubs tolerate that.
  afterEach(async () => {
    await Promise.all(brokers.map((b) => b.close()));
    brokers = [];
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("keeps clients on both nodes whole: local delivery and log polling while down, live again after", async () => {
    const [brokerA, brokerB] = await Promise.all([openBroker(), openBroker()]);
    h = await t.start({ broker: brokerA });
    const nodeB = await h.startNode({ broker: brokerB, tuning: { outagePollMs: 100 } });
    const d = await newDashboard();
    const onA = await h.client("alice");
    const onB = await clientOn(h, nodeB, "bob");
    await Promise.all([onA.subscribe(`dashboard:${d}`), onB.subscribe(`dashboard:${d}`)]);

    await h.hub.publish(await commitEvents(t.store, d, 2));
    await onB.waitUntil(() => onB.events().length === 2);

    await server.stop();
    await Promise.all(brokers.map((b) => waitForState(b, "down", 5000)));
    await h.hub.publish(await commitEvents(t.store, d, 3));
    // Node A's own client hears at once; node B's, from the log within an outage poll.
    await onA.waitUntil(() => onA.events().length === 5, 2000);
    await onB.waitUntil(() => onB.events().length === 5, 2000);
    expect(h.hub.stats().unpublishedDashboards).toBe(1);

    await recovery();
    await h.hub.publish(await commitEvents(t.store, d, 2));
    for (const c of [onA, onB]) {
      await c.waitUntil(() => c.events().length === 7, 5000);
      expect(c.events().map((e) => e.seq)).toEqual(range(1, 7));
    }
    await expect.poll(() => h.hub.stats().unpublishedDashboards).toBe(0);
    const reconnects = nodeB.registry.getSingleMetric("dashwatch_broker_reconnects_total") as Counter;
    expect((await reconnects.get()).values[0]?.value).toBe(1);
  });

  it("republishes after the outage, so a persona channel on another node hears of a dashboard it never saw", async () => {
    const [brokerA, brokerB] = await Promise.all([openBroker(), openBroker()]);
    // Node B may resubscribe just after node A's first republish; the echo covers that.
    h = await t.start({ broker: brokerA, tuning: { republishEchoMs: 300 } });
    const nodeB = await h.startNode({ broker: brokerB, tuning: { outagePollMs: 100 } });
    const d = await newDashboard();
    await subscribePersona(t.store, d, "carol");
    await commitSnapshot(t.store, d);
    const carol = await clientOn(h, nodeB, "carol");
    await carol.subscribe("persona:carol");

    await outage();
    const entries = await commitSnapshot(t.store, d);
    await h.hub.publish(entries);
    await recovery();
    const alert = entries.find((e) => e.persona === "carol")!;
    const got = await carol.waitFor((f) => f.type === "event", 5000);
    expect(got).toMatchObject({ channel: "persona:carol", seq: alert.event.seq, prev_seq: 0 });
  });

  it("turns a catch-up longer than maxCatchUpPages into a recoverable broker_outage gap", async () => {
    const broker = await openBroker();
    h = await t.start({
      broker,
      config: { replayPageSize: 5 },
      tuning: { maxCatchUpPages: 1, outagePollMs: 60_000 },
    });
    const d = await newDashboard();
    const c = await h.client("dave");
    await c.subscribe(`dashboard:${d}`);
    await outage();
    // Committed by a node that died before publishing: only the log knows.
    await commitEvents(t.store, d, 12);
    await recovery();
    const gap = await c.waitFor((f) => f.type === "gap", 5000);
    expect(gap).toEqual({ type: "gap", channel: `dashboard:${d}`, dashboard_id: d, from_seq: 1, to_seq: 12, reason: "broker_outage", recoverable: true });
    await h.hub.publish(await commitEvents(t.store, d, 1));
    await c.waitUntil(() => c.events().length === 1);
    expect(c.events()[0]!.seq).toBe(13);
  });

  it("catches a session up from the log after the outage when the hole fits", async () => {
    const broker = await openBroker();
    h = await t.start({ broker, tuning: { outagePollMs: 60_000 } });
    const d = await newDashboard();
    const c = await h.client("erin");
    await c.subscribe(`dashboard:${d}`);
    await outage();
    await commitEvents(t.store, d, 4);
    await recovery();
    await c.waitUntil(() => c.events().length === 4, 5000);
    expect(c.events().map((e) => e.seq)).toEqual(range(1, 4));
    expect(c.gaps()).toEqual([]);
  });
});
