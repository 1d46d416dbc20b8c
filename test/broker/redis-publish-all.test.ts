// publishAll on one Redis (src/broker/redis-broker.ts): a commit goes out as a few scripts, in order, and
// says exactly which messages were handed over, also for a user whose ACL allows only the hub's channels.
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TopicMessageOut } from "../../src/broker/broker.js";
import { createRedisBroker, publishChunks, PUBLISH_CHUNK_BYTES, PUBLISH_CHUNK_MESSAGES, type RedisBroker } from "../../src/broker/redis-broker.js";
import { createCollector } from "./helpers/collector.js";
import { spareRedisServer, type RedisServer } from "./helpers/redis-server.js";

let server: RedisServer;
let admin: ReturnType<typeof createClient>;
const brokers: RedisBroker[] = [];

beforeAll(async () => {
  server = await spareRedisServer();
  admin = createClient({ url: server.url });
  await admin.connect();
  // What the README asks of a restricted user: these commands, the hub's channels (`&dw:*`) and no keys.
  await admin.sendCommand(["ACL", "SETUSER", "hub", "on", ">hub-password", "resetchannels", "&dw:*", "-@all", "+publish", "+subscribe", "+unsubscribe", "+eval", "+client|setname"]);
});
afterAll(async () => {
  await Promise.all(brokers.map((b) => b.close()));
  await admin?.quit();
  await server?.stop();
});

async function brokerAs(user: string | null): Promise<RedisBroker> {
  const url = new URL(server.url);
  if (user) [url.username, url.password] = [user, `${user}-password`];
  const broker = createRedisBroker({ url: url.toString(), probeIntervalMs: 200, probeTimeoutMs: 500, commandTimeoutMs: 2000 });
  brokers.push(broker);
  if (!(await broker.waitUntilUp(5000))) throw new Error(`broker as ${user} did not come up`);
  return broker;
}

describe("publishAll on one Redis", () => {
  it("publishes as a user allowed only the hub's channels", async () => {
    const broker = await brokerAs("hub");
    const got = createCollector<string>();
    await broker.subscribe("dw:persona:a", got.push);
    expect(await broker.publishAll([{ topic: "dw:persona:a", message: "one" }, { topic: "dw:persona:a", message: "two" }])).toEqual([true, true]);
    expect(await got.waitFor(2)).toEqual(["one", "two"]);
  });

  it("says exactly which messages went when Redis refuses one part-way", async () => {
    const broker = await brokerAs("hub");
    const got = createCollector<string>();
    await broker.subscribe("dw:persona:b", got.push);
    const messages = [
      { topic: "dw:persona:b", message: "before" },
      { topic: "other:channel", message: "refused by the ACL" },
      { topic: "dw:persona:b", message: "after" },
    ];
    expect(await broker.publishAll(messages)).toEqual([true, false, false]);
    expect(await got.waitFor(1)).toEqual(["before"]);
    expect(broker.state, "a refusal is not an outage").toBe("up");
  });

  it("keeps the order of a commit split over several scripts", async () => {
    const broker = await brokerAs(null);
    const got = createCollector<string>();
    await broker.subscribe("dw:dashboard:order", got.push);
    const messages = Array.from({ length: PUBLISH_CHUNK_MESSAGES * 2 + 7 }, (_, i) => ({ topic: "dw:dashboard:order", message: String(i) }));
    expect(await broker.publishAll(messages)).toEqual(messages.map(() => true));
    expect(await got.waitFor(messages.length)).toEqual(messages.map((m) => m.message));
  });
});

describe("publishChunks", () => {
  const m = (bytes: number): TopicMessageOut => ({ topic: "t", message: "x".repeat(bytes - 1) });
  it("cuts at the message count and at the byte bound, never inside a message, and keeps every message in order", () => {
    const byCount = publishChunks(Array.from({ length: PUBLISH_CHUNK_MESSAGES + 1 }, () => m(10)));
    expect(byCount.map((c) => c.length)).toEqual([PUBLISH_CHUNK_MESSAGES, 1]);
    const half = PUBLISH_CHUNK_BYTES / 2;
    expect(publishChunks([m(half), m(half), m(1)]).map((c) => c.length), "exactly the bound fits").toEqual([2, 1]);
    expect(publishChunks([m(half), m(half + 1)]).map((c) => c.length), "one byte over does not").toEqual([1, 1]);
    expect(publishChunks([m(PUBLISH_CHUNK_BYTES * 3)]).map((c) => c.length), "an oversized message goes alone").toEqual([1]);
    const all = Array.from({ length: 700 }, (_, i) => ({ topic: "t", message: "y".repeat(i * 7) }));
    expect(publishChunks(all).flat()).toEqual(all);
  });
});
