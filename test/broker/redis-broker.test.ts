import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisBroker, type RedisBroker } from "../../src/broker/redis-broker.js";
import { brokerContract } from "./broker.contract.js";
import { createCollector } from "./helpers/collector.js";
import { spareRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { waitForState } from "./helpers/wait-for-state.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const fast = { probeIntervalMs: 200, probeTimeoutMs: 300, commandTimeoutMs: 300, reconnect: { baseMs: 20, maxMs: 200 } };

async function openUp(url: string): Promise<RedisBroker> {
  const broker = createRedisBroker({ url, ...fast });
  // A Redis that cannot be reached fails the test: it never skips.
  if (!(await broker.waitUntilUp(5000))) {
    await broker.close();
    throw new Error(`Redis at ${url} unreachable`);
  }
  return broker;
}

brokerContract("redis", () => openUp(REDIS_URL));

describe("Redis broker across nodes", () => {
  it("delivers a message published on one node to another node's subscriber", async () => {
    const [a, b] = await Promise.all([openUp(REDIS_URL), openUp(REDIS_URL)]);
    try {
      const topic = `test:${randomBytes(6).toString("hex")}`;
      const got = createCollector<string>();
      await b.subscribe(topic, got.push);
      await a.publish(topic, "from a");
      expect(await got.waitFor(1)).toEqual(["from a"]);
      expect(a.nodeChannel).not.toBe(b.nodeChannel);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("Redis broker faults (own redis-server)", () => {
  let server: RedisServer;
  let broker: RedisBroker;
  let admin: ReturnType<typeof createClient>;
  const topic = "test:faults";

  beforeAll(async () => {
    server = await spareRedisServer();
    admin = createClient({ url: server.url, socket: { reconnectStrategy: 50 } });
    admin.on("error", () => {});
    await admin.connect();
  });
  afterEach(async () => {
    await broker?.close();
  });
  afterAll(async () => {
    admin.destroy();
    await server.stop();
  });

  async function delivered(): Promise<void> {
    const got = createCollector<string>();
    await broker.subscribe(topic, got.push);
    await broker.publish(topic, "ping");
    await got.waitFor(1);
  }

  it("goes down when redis-server dies, rejects publish at once, and comes back up with its topics", async () => {
    broker = await openUp(server.url);
    const got = createCollector<string>();
    await broker.subscribe(topic, got.push);

    await server.stop();
    await waitForState(broker, "down", 5000);
    const started = Date.now();
    await expect(broker.publish(topic, "lost")).rejects.toThrow(/broker down/);
    expect(await broker.publishAll([{ topic, message: "lost" }, { topic, message: "lost too" }])).toEqual([false, false]);
    expect(Date.now() - started).toBeLessThan(100);

    await server.start();
    await waitForState(broker, "up", 10_000);
    await broker.publish(topic, "after restart");
    expect(await got.waitFor(1)).toEqual(["after restart"]);
  });

  it("subscribes a topic asked for during an outage once it is up again", async () => {
    broker = await openUp(server.url);
    await server.stop();
    await waitForState(broker, "down", 5000);
    const got = createCollector<string>();
    await broker.subscribe("test:during-outage", got.push);
    await server.start();
    await waitForState(broker, "up", 10_000);
    await broker.publish("test:during-outage", "m");
    expect(await got.waitFor(1)).toEqual(["m"]);
  });

  it("notices its subscriber connection being killed and resubscribes", async () => {
    broker = await openUp(server.url);
    await delivered();
    const down = waitForState(broker, "down", 5000);
    await admin.sendCommand(["CLIENT", "KILL", "TYPE", "pubsub"]);
    await down;
    await waitForState(broker, "up", 5000);
    await delivered();
  });

  it("probes a server that stops answering (CLIENT PAUSE) down, and up again after", async () => {
    broker = await openUp(server.url);
    await delivered();
    const down = waitForState(broker, "down", 5000);
    await admin.sendCommand(["CLIENT", "PAUSE", "1500", "ALL"]);
    const tookMs = await down;
    // Probe interval + probe timeout, with room for a loaded machine.
    expect(tookMs).toBeLessThan(2000);
    await waitForState(broker, "up", 10_000);
    await delivered();
  });
});
