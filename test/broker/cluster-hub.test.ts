// Three hub nodes (in process, so their catch-up can be tuned small) on one store and a real 3-master Redis
// Cluster: a master SIGKILLed mid-stream takes down only its own channels, which fall back to the log with
// broker_outage gaps and end whole, while channels on the other shards stay live; a live slot move of a
// busy channel loses nothing.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keySlot } from "../../src/broker/key-slot.js";
import { createRedisClusterBroker, type RedisClusterBroker } from "../../src/broker/redis-cluster-broker.js";
import type { ServerFrame } from "../../src/protocol/frames.js";
import { startRedisCluster, type ClusterNode, type RedisCluster } from "../helpers/redis-cluster.js";
import { clientOn, commitEvents, createDashboard, type Harness, type HubNode } from "../hub/helpers/hub-harness.js";
import { hubTestContext } from "../hub/helpers/hub-test-context.js";
import type { TestClient } from "../hub/helpers/ws-client.js";

const fast = { probeIntervalMs: 200, probeTimeoutMs: 300, commandTimeoutMs: 300, reconnect: { baseMs: 20, maxMs: 200 } };
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

let cluster: RedisCluster;
let brokers: RedisClusterBroker[] = [];
const t = hubTestContext("cl");

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});
afterAll(async () => {
  await cluster?.stop();
});

async function openBrokers(n: number): Promise<RedisClusterBroker[]> {
  brokers = Array.from({ length: n }, () => createRedisClusterBroker({ urls: cluster.urls.split(","), ...fast }));
  for (const b of brokers) {
    await expect.poll(() => Object.values(b.shards.states()).filter((s) => s === "up").length, { timeout: 10_000 }).toBe(3);
  }
  return brokers;
}

/** A dashboard whose topic lives on `node` (or on the given slot). */
async function dashboardOn(where: ClusterNode | number, label: string): Promise<string> {
  for (let i = 0; ; i++) {
    const id = `${label}-${randomBytes(3).toString("hex")}${i}`;
    const topic = `dw:dashboard:${id}`;
    const here = typeof where === "number" ? keySlot(topic) === where : (await cluster.ownerOf(topic)) === where;
    if (!here) continue;
    await createDashboard(t.store, id);
    return id;
  }
}

/** Records when each event frame arrived, by channel and seq. */
function arrivals(c: TestClient): Map<string, number> {
  const at = new Map<string, number>();
  c.ws.on("message", (data) => {
    const f = JSON.parse(data.toString()) as ServerFrame;
    if (f.type === "event") at.set(`${f.channel}#${f.seq}`, Date.now());
  });
  return at;
}

/** Commits one event on each dashboard every `everyMs` and publishes it through node A, until stopped. */
function stream(h: Harness, dashboards: string[], everyMs: number) {
  const sentAt = new Map<string, number>();
  let running = true;
  const done = (async () => {
    while (running) {
      for (const d of dashboards) {
        const entries = await commitEvents(t.store, d, 1);
        sentAt.set(`dashboard:${d}#${entries[0]!.event.seq}`, Date.now());
        await h.hub.publish(entries);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return { sentAt, stop: async () => ((running = false), await done) };
}

/** Every seq of `d` once and in order, counting what the gaps name as replayed from the log. */
async function expectWhole(c: TestClient, d: string, head: number) {
  const channel = `dashboard:${d}`;
  const got = c.events(channel).map((e) => e.seq);
  expect(got).toEqual([...got].sort((a, b) => a - b));
  expect(new Set(got).size).toBe(got.length);
  const replayed: number[] = [];
  for (const gap of c.gaps(channel)) {
    expect(gap).toMatchObject({ reason: "broker_outage", recoverable: true });
    const page = await t.store.readEvents(d, { afterSeq: gap.from_seq - 1, limit: gap.to_seq - gap.from_seq + 1 });
    replayed.push(...page.entries.map((e) => e.event.seq));
  }
  expect([...got, ...replayed].sort((a, b) => a - b)).toEqual(range(1, head));
}

const headOf = async (d: string) => (await t.store.getDashboard(d))!.head_seq;

describe("hub nodes on a Redis Cluster", () => {
  it("keeps other shards' channels live while one master is dead, and makes the dead shard's channels whole", async () => {
    const [b0, b1, b2] = await openBrokers(3);
    // Small pages and a slow outage poll: a remote node falls further behind than one page between polls.
    const tuned = { config: { replayPageSize: 5 }, tuning: { maxCatchUpPages: 1, outagePollMs: 1000 } };
    const h = await t.start({ broker: b0!, ...tuned });
    const nodes: HubNode[] = [await h.startNode({ broker: b1!, ...tuned }), await h.startNode({ broker: b2!, ...tuned })];
    const [dead, alive] = [cluster.nodes[1]!, cluster.nodes[2]!];
    const onDead = await dashboardOn(dead, "dead");
    const onAlive = await dashboardOn(alive, "alive");
    const clients = await Promise.all(nodes.map((n, i) => clientOn(h, n, `viewer-${i}`)));
    for (const c of clients) for (const d of [onDead, onAlive]) await c.subscribe(`dashboard:${d}`);
    const arrived = clients.map(arrivals);

    const s = stream(h, [onAlive, onDead], 40);
    await clients[0]!.waitUntil(() => clients[0]!.events(`dashboard:${onAlive}`).length >= 10, 10_000);
    await cluster.kill(dead);
    const killedAt = Date.now();
    for (const b of brokers) await expect.poll(() => b.shards.states()[dead.address], { timeout: 5000 }).toBe("down");
    // A burst on the dead shard: more than one page behind at the next outage poll, whatever the machine's speed.
    await h.hub.publish(await commitEvents(t.store, onDead, 8));
    // The outage polls at work, with the stream still running on both shards: each client has the burst
    // named in a gap and then, from a later poll, more of the dead shard's stream (events, or another gap
    // when the stream ran more than a page ahead), while the healthy shard's stream went on (its latencies
    // are measured over this window).
    const polledPast = (c: TestClient) => {
      const [first, ...later] = c.gaps(`dashboard:${onDead}`);
      const reached = Math.max(c.events(`dashboard:${onDead}`).at(-1)?.seq ?? 0, ...later.map((g) => g.to_seq));
      return first !== undefined && reached > first.to_seq;
    };
    for (const c of clients) await c.waitUntil(() => polledPast(c), 15_000);
    await expect.poll(() => [...s.sentAt].filter(([k, at]) => k.startsWith(`dashboard:${onAlive}#`) && at > killedAt).length, { timeout: 10_000 }).toBeGreaterThan(20);
    const restartAt = Date.now();
    await cluster.restart(dead);
    for (const b of brokers) await expect.poll(() => b.shards.states()[dead.address], { timeout: 20_000 }).toBe("up");
    // Live again: both remote nodes subscribed on the restarted master, and the stream ran on it before it stops.
    const deadTopic = `dw:dashboard:${onDead}`;
    await expect.poll(async () => (await cluster.cli(await cluster.ownerOf(deadTopic), "pubsub", "shardnumsub", deadTopic)).split("\n")[1], { timeout: 10_000 }).toBe("2");
    const liveFrom = Date.now();
    for (const c of clients) {
      await c.waitUntil(() => c.events(`dashboard:${onDead}`).some((e) => (s.sentAt.get(`dashboard:${onDead}#${e.seq}`) ?? 0) > liveFrom), 5000);
    }
    await s.stop();

    const [headDead, headAlive] = [await headOf(onDead), await headOf(onAlive)];
    for (const c of clients) {
      await c.waitUntil(() => c.events(`dashboard:${onAlive}`).at(-1)?.seq === headAlive, 5000);
      expect(c.events(`dashboard:${onAlive}`).map((e) => e.seq)).toEqual(range(1, headAlive));
      expect(c.gaps(`dashboard:${onAlive}`)).toEqual([]);
      await c.waitUntil(() => (c.events(`dashboard:${onDead}`).at(-1)?.seq ?? 0) === headDead || c.gaps(`dashboard:${onDead}`).at(-1)?.to_seq === headDead, 5000);
      expect(c.gaps(`dashboard:${onDead}`).length).toBeGreaterThan(0);
      await expectWhole(c, onDead, headDead);
    }
    // The healthy shard's channel stayed live (well under one outage poll) while the other master was dead.
    const during = [...s.sentAt].filter(([k, at]) => k.startsWith(`dashboard:${onAlive}#`) && at > killedAt && at < restartAt);
    expect(during.length).toBeGreaterThan(10);
    const latencies = arrived.flatMap((at) => during.map(([k, sent]) => at.get(k)! - sent));
    if (process.env.CLUSTER_TEST_VERBOSE) console.log({ during: during.length, max: Math.max(...latencies), latencies });
    expect(Math.max(...latencies)).toBeLessThan(500);

    // Live again on the dead shard: new events arrive without waiting for a poll.
    const entries = await commitEvents(t.store, onDead, 1);
    const sent = Date.now();
    await h.hub.publish(entries);
    for (const [i, c] of clients.entries()) {
      await c.waitUntil(() => c.events(`dashboard:${onDead}`).at(-1)?.seq === entries[0]!.event.seq, 2000);
      expect(arrived[i]!.get(`dashboard:${onDead}#${entries[0]!.event.seq}`)! - sent).toBeLessThan(500);
    }
  }, 60_000);

  it("loses nothing of a busy channel while its slot moves to another master", async () => {
    const [b0, b1, b2] = await openBrokers(3);
    const h = await t.start({ broker: b0! });
    const nodes = [await h.startNode({ broker: b1! }), await h.startNode({ broker: b2! })];
    const [from, to] = [cluster.nodes[0]!, cluster.nodes[2]!];
    const busy = await dashboardOn(await cluster.lowestSlotOf(from), "busy");
    const clients = await Promise.all(nodes.map((n, i) => clientOn(h, n, `mover-${i}`)));
    for (const c of clients) await c.subscribe(`dashboard:${busy}`);

    const s = stream(h, [busy], 10);
    await clients[0]!.waitUntil(() => clients[0]!.events().length >= 10, 10_000);
    await cluster.moveLowestSlot(from, to);
    expect(await cluster.ownerOf(`dw:dashboard:${busy}`)).toBe(to);
    await clients[0]!.waitUntil(() => clients[0]!.events().length >= 10 + 20, 10_000);
    await s.stop();

    const head = await headOf(busy);
    for (const c of clients) {
      await c.waitUntil(() => c.events().at(-1)?.seq === head, 5000);
      expect(c.events().map((e) => e.seq)).toEqual(range(1, head));
      expect(c.gaps()).toEqual([]);
    }
    expect(Number((await cluster.cli(to, "pubsub", "shardnumsub", `dw:dashboard:${busy}`)).split("\n")[1])).toBe(2);
  }, 60_000);
});
