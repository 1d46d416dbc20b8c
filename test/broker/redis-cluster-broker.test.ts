// The cluster broker against a real 3-master Redis Cluster of this file's own: the Broker contract, then
// sharding (SSUBSCRIBE only where a topic lives, no classic PUBLISH), per-shard health, and a slot move.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrokerState } from "../../src/broker/broker.js";
import { keySlot } from "../../src/broker/key-slot.js";
import { createRedisClusterBroker, type RedisClusterBroker } from "../../src/broker/redis-cluster-broker.js";
import { startRedisCluster, type ClusterNode, type RedisCluster } from "../helpers/redis-cluster.js";
import { brokerContract } from "./broker.contract.js";
import { createCollector } from "./helpers/collector.js";

const fast = { probeIntervalMs: 200, probeTimeoutMs: 300, commandTimeoutMs: 300, reconnect: { baseMs: 20, maxMs: 200 } };
let cluster: RedisCluster;
const opened: RedisClusterBroker[] = [];

async function openUp(o: { unsubscribeDelayMs?: number } = {}): Promise<RedisClusterBroker> {
  const broker = createRedisClusterBroker({ urls: cluster.urls.split(","), ...fast, ...o });
  opened.push(broker);
  if (!(await broker.waitUntilUp(10_000))) throw new Error("test cluster unreachable");
  // Up means one shard answered; these tests want all three.
  await expect.poll(() => Object.values(broker.shards.states()).filter((s) => s === "up").length, { timeout: 5000 }).toBe(3);
  return broker;
}

/** A topic, unique to this run, on the given master. */
async function topicOn(node: ClusterNode, label: string): Promise<string> {
  for (let i = 0; ; i++) {
    const topic = `test:${label}:${randomBytes(4).toString("hex")}:${i}`;
    if ((await cluster.ownerOf(topic)) === node) return topic;
  }
}

const shardNumSub = async (node: ClusterNode, topic: string) => Number((await cluster.cli(node, "pubsub", "shardnumsub", topic)).split("\n")[1]);

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
});
afterAll(async () => {
  await cluster?.stop();
});

brokerContract("redis cluster", () => openUp());

describe("Redis Cluster broker: sharding", () => {
  it("hashes keys as the cluster does", async () => {
    for (const key of ["dw:dashboard:leaders", "dw:persona:alice", "a{b}c", "{}x", "é🙂"]) {
      expect(keySlot(key)).toBe(Number((await cluster.cli(cluster.nodes[0]!, "cluster", "keyslot", key)).trim()));
    }
  });

  it("maps each master's host:port to up", async () => {
    const broker = await openUp();
    expect(broker.shards.states()).toEqual(Object.fromEntries(cluster.nodes.map((n) => [n.address, "up"])));
  });

  it("subscribes a topic on its owner only, keeps it through a quick leave-and-join, and drops it after the delay", async () => {
    const broker = await openUp({ unsubscribeDelayMs: 300 });
    const [owner, other] = [cluster.nodes[0]!, cluster.nodes[1]!];
    const topic = await topicOn(owner, "numsub");
    const got = createCollector<string>();
    await broker.subscribe(topic, () => {});
    expect(await shardNumSub(owner, topic)).toBe(1);
    expect(await shardNumSub(other, topic)).toBe(0);

    const unsubscribesBefore = await cluster.commandCalls("sunsubscribe");
    await broker.unsubscribe(topic);
    await broker.subscribe(topic, got.push);
    await broker.publish(topic, "still here");
    expect(await got.waitFor(1)).toEqual(["still here"]);
    expect(await cluster.commandCalls("sunsubscribe")).toBe(unsubscribesBefore);

    await broker.unsubscribe(topic);
    expect(await shardNumSub(owner, topic)).toBe(1);
    await expect.poll(() => shardNumSub(owner, topic), { timeout: 5000 }).toBe(0);
  });

  it("sends SPUBLISH, never PUBLISH, and a message reaches only the owning master", async () => {
    const broker = await openUp();
    const owner = cluster.nodes[2]!;
    const topic = await topicOn(owner, "spublish");
    const got = createCollector<string>();
    await broker.subscribe(topic, got.push);
    const publishesBefore = await cluster.commandCalls("publish");
    const sPublishesBefore = await Promise.all(cluster.nodes.map((n) => callsOn(n, "spublish")));
    for (let i = 0; i < 20; i++) await broker.publish(topic, String(i));
    await got.waitFor(20);
    expect(await cluster.commandCalls("publish")).toBe(publishesBefore);
    const sPublishesAfter = await Promise.all(cluster.nodes.map((n) => callsOn(n, "spublish")));
    const grew = cluster.nodes.map((n, i) => sPublishesAfter[i]! - sPublishesBefore[i]!);
    // The probes of this and other open brokers also SPUBLISH, on every shard: the owner grew by the 20 on top.
    expect(grew[2]).toBeGreaterThanOrEqual(20);
    expect(Math.max(grew[0]!, grew[1]!)).toBeLessThan(grew[2]!);
  });
});

async function callsOn(node: ClusterNode, command: string): Promise<number> {
  const m = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await cluster.cli(node, "info", "commandstats"));
  return m ? Number(m[1]) : 0;
}

describe("Redis Cluster broker: a shard fails and comes back", () => {
  it("takes down only the dead master's topics, rejects their publishes at once, and reports them up again", async () => {
    const broker = await openUp();
    const [dead, alive] = [cluster.nodes[1]!, cluster.nodes[0]!];
    const onDead = await topicOn(dead, "dead");
    const onAlive = await topicOn(alive, "alive");
    const deadGot = createCollector<string>();
    const aliveGot = createCollector<string>();
    await broker.subscribe(onDead, deadGot.push);
    await broker.subscribe(onAlive, aliveGot.push);
    const changes: [string[], BrokerState][] = [];
    broker.shards.onTopicsChange((topics, state) => changes.push([topics, state]));

    await cluster.kill(dead);
    await expect.poll(() => broker.shards.states()[dead.address], { timeout: 5000 }).toBe("down");
    expect(broker.state).toBe("up");
    expect(broker.shards.topicState(onDead)).toBe("down");
    expect(broker.shards.topicState(onAlive)).toBe("up");
    expect(changes).toContainEqual([[onDead], "down"]);
    const started = Date.now();
    await expect(broker.publish(onDead, "lost")).rejects.toThrow(/broker down/);
    expect(Date.now() - started).toBeLessThan(100);
    await broker.publish(onAlive, "live");
    expect(await aliveGot.waitFor(1)).toEqual(["live"]);

    await cluster.restart(dead);
    await expect.poll(() => broker.shards.topicState(onDead), { timeout: 10_000 }).toBe("up");
    expect(changes.at(-1)).toEqual([[onDead], "up"]);
    await broker.publish(onDead, "back");
    expect(await deadGot.waitFor(1)).toEqual(["back"]);
  }, 30_000);

  it("goes wholly down when every master is, and up again", async () => {
    const broker = await openUp();
    await Promise.all(cluster.nodes.map((n) => cluster.kill(n)));
    await expect.poll(() => broker.state, { timeout: 5000 }).toBe("down");
    await cluster.restart(...cluster.nodes);
    await expect.poll(() => broker.state, { timeout: 10_000 }).toBe("up");
  }, 40_000);
});

describe("Redis Cluster broker: a live slot move", () => {
  it("follows a topic to its new owner and reports it up, so its feeds catch up", async () => {
    const broker = await openUp();
    const [from, to] = [cluster.nodes[0]!, cluster.nodes[2]!];
    const slot = await cluster.lowestSlotOf(from);
    let topic = "";
    for (let i = 0; keySlot(topic) !== slot || topic === ""; i++) topic = `test:move:${randomBytes(3).toString("hex")}:${i}`;
    const got = createCollector<string>();
    await broker.subscribe(topic, got.push);
    const changes: [string[], BrokerState][] = [];
    broker.shards.onTopicsChange((topics, state) => changes.push([topics, state]));

    await cluster.moveLowestSlot(from, to);
    expect(await cluster.ownerOf(topic)).toBe(to);
    await expect.poll(() => changes, { timeout: 5000 }).toContainEqual([[topic], "up"]);
    expect(await shardNumSub(to, topic)).toBe(1);
    await broker.publish(topic, "after the move");
    expect(await got.waitFor(1)).toContain("after the move");
  }, 30_000);
});

// Last in the file: it changes the cluster's shape (a replica added and promoted, a master gone).
describe("Redis Cluster broker: failover to a replica", () => {
  it("follows a dead master's topics to the promoted replica and reports them up", async () => {
    const broker = await openUp();
    const master = cluster.nodes[0]!;
    const replica = await cluster.addReplica(master);
    const topic = await topicOn(master, "failover");
    const got = createCollector<string>();
    await broker.subscribe(topic, got.push);
    const changes: [string[], BrokerState][] = [];
    broker.shards.onTopicsChange((topics, state) => changes.push([topics, state]));

    await cluster.kill(master);
    await expect.poll(() => cluster.ownerOf(topic), { timeout: 20_000 }).toBe(replica);
    await expect.poll(() => changes.filter(([t, s]) => s === "up" && t.includes(topic)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(broker.shards.topicState(topic)).toBe("up");
    expect(broker.shards.states()[replica.address]).toBe("up");
    expect(await shardNumSub(replica, topic)).toBe(1);
    await broker.publish(topic, "after failover");
    expect(await got.waitFor(1)).toContain("after failover");
  }, 90_000);
});
