// Three hub processes (REDIS_CLUSTER_URLS) on one PostgreSQL database and a real 3-master Redis Cluster,
// with SDK consumers on every node: cross-node delivery on dashboard and persona channels, sharded
// subscriptions only where local sessions hold them, no classic PUBLISH; then a master SIGKILLed
// mid-stream, seen per shard in /health, and every consumer still ending with the log.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "../../client-sdk/src/index.js";
import { Recorder, until } from "../../client-sdk/test/helpers.js";
import { mintToken } from "../../src/http/token.js";
import { startRedisCluster, type ClusterNode, type RedisCluster } from "../helpers/redis-cluster.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createPostgresDatabase } from "../helpers/test-database.js";
import { createDashboard, readLog, subscribeEverySnapshot } from "../sdk/helpers/hub-api.js";
import { HubNode } from "../sdk/helpers/hub-node.js";
import { publishSnapshots } from "../sdk/helpers/publisher.js";
import { waitFor } from "../sdk/helpers/wait-for.js";
import { expectSameStream } from "../sdk/helpers/stream-check.js";
import { PARTS_TOPIC } from "../../src/hub/batch.js";

let cluster: RedisCluster;
let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
const nodes: HubNode[] = [];
const clients: Client[] = [];
let admin = "";

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  db = await createPostgresDatabase();
  const env = { REDIS_CLUSTER_URLS: cluster.urls };
  // One at a time: three hubs compiling at once on a busy machine can miss HubNode's start timeout.
  for (let i = 0; i < 3; i++) nodes.push(await HubNode.start({ databaseUrl: db.url, env }));
  admin = await mintToken(TEST_SECRET, { sub: "publisher-1", roles: ["admin"] });
}, 150_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(nodes.map((n) => n.stop()));
  await db?.drop();
  await cluster?.stop();
});

function consumer(node: HubNode, persona: string): Client {
  const client = createClient({ url: node.url, getToken: () => mintToken(TEST_SECRET, { sub: persona }), backoff: { minMs: 50, maxMs: 500 } });
  clients.push(client);
  return client;
}

/** Sharded channels a master holds subscribers for, probe channels left out. */
const shardChannels = async (n: ClusterNode) => (await cluster.cli(n, "pubsub", "shardchannels", "dw:[dp]*")).split("\n").filter(Boolean).sort();
const shardNumSub = async (n: ClusterNode, topic: string) => Number((await cluster.cli(n, "pubsub", "shardnumsub", topic)).split("\n")[1]);
const health = async (node: HubNode) => {
  const res = await fetch(`${node.url}/health`);
  return { code: res.status, ...((await res.json()) as { status: string; checks: { broker: string; broker_shards: Record<string, string> } }) };
};

async function dashboardOn(where: ClusterNode, prefix: string) {
  for (;;) {
    const id = `${prefix}-${randomUUID().slice(0, 8)}`;
    if ((await cluster.ownerOf(`dw:dashboard:${id}`)) !== where) continue;
    await createDashboard(nodes[0]!.url, admin, id);
    return id;
  }
}

describe("hub processes on a Redis Cluster", () => {
  it("delivers across nodes on dashboard and persona channels, subscribing only where sessions are, with no PUBLISH", async () => {
    const persona = `pat-${randomUUID().slice(0, 8)}`;
    const id = await dashboardOn(cluster.nodes[0]!, "x");
    await subscribeEverySnapshot(nodes[0]!.url, admin, id, persona);
    const publishesBefore = await cluster.commandCalls("publish");
    const watched = nodes.map((node) => {
      const client = consumer(node, persona);
      return {
        dashboard: new Recorder(client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } })),
        alerts: new Recorder(client.subscribe(`persona:${persona}`, { since: { [id]: 0 } })),
      };
    });
    const dashTopic = `dw:dashboard:${id}`;
    const personaTopic = `dw:persona:${persona}`;
    const [dashOwner, personaOwner] = [await cluster.ownerOf(dashTopic), await cluster.ownerOf(personaTopic)];
    await waitFor(async () => (await shardNumSub(dashOwner, dashTopic)) === 3 && (await shardNumSub(personaOwner, personaTopic)) === 3, "every node subscribed", 10_000);

    // Posted to each node in turn: two thirds of the events reach a consumer from another node.
    await publishSnapshots({ targets: () => nodes.map((n) => n.url), token: admin, dashboardId: id, count: 30 });
    const log = await readLog(nodes[0]!.url, admin, id);
    const personaLog = await readLog(nodes[0]!.url, admin, id, persona);
    for (const w of watched) {
      await until(() => w.dashboard.events.at(-1)?.seq === log.at(-1)!.seq && w.alerts.events.at(-1)?.seq === personaLog.at(-1)!.seq, "every consumer at the head", 15_000);
      expectSameStream(w.dashboard.events, log);
      expectSameStream(w.alerts.events, personaLog);
      expect([...w.dashboard.gaps, ...w.alerts.gaps]).toEqual([]);
    }

    const held = (await Promise.all(cluster.nodes.map(shardChannels))).flat().sort();
    // dw:parts carries the diffs persona alerts name: a node holds it while it holds any persona channel.
    expect(held).toEqual([dashTopic, personaTopic, PARTS_TOPIC].sort());
    for (const n of cluster.nodes) {
      expect(await shardNumSub(n, dashTopic)).toBe(n === dashOwner ? 3 : 0);
    }
    expect(await cluster.commandCalls("publish")).toBe(publishesBefore);

    for (const c of clients.splice(0)) c.close();
    // After the unsubscribe delay (2 s by default), nobody holds anything.
    await waitFor(async () => (await Promise.all(cluster.nodes.map(shardChannels))).flat().length === 0, "the topics dropped", 15_000);
  }, 90_000);

  it("reports a SIGKILLed master down in /health, and every consumer still ends with the log", async () => {
    const dead = cluster.nodes[1]!;
    const id = await dashboardOn(dead, "k");
    const watched = [1, 2].map((i) => new Recorder(consumer(nodes[i]!, `kim-${i}`).subscribe(`dashboard:${id}`, { since: { [id]: 0 } })));
    await waitFor(async () => (await shardNumSub(dead, `dw:dashboard:${id}`)) === 2, "both nodes subscribed", 10_000);
    for (const n of nodes) expect(await health(n)).toMatchObject({ code: 200, status: "ok", checks: { broker: "up" } });

    let killed: Promise<void> | undefined;
    await publishSnapshots({
      targets: () => [nodes[0]!.url],
      token: admin,
      dashboardId: id,
      count: 40,
      async onAccepted(i) {
        if (i === 10) killed = cluster.kill(dead);
        if (i !== 25) return;
        await killed;
        for (const n of nodes) {
          await waitFor(async () => (await health(n)).checks.broker_shards[dead.address] === "down", "the shard reported down", 10_000);
          const h = await health(n);
          expect(h).toMatchObject({ code: 200, status: "degraded", checks: { broker: "degraded" } });
          expect(Object.entries(h.checks.broker_shards).filter(([, s]) => s === "down")).toEqual([[dead.address, "down"]]);
        }
      },
    });
    await cluster.restart(dead);
    for (const n of nodes) await waitFor(async () => (await health(n)).status === "ok", "ok again", 15_000);

    const log = await readLog(nodes[0]!.url, admin, id);
    for (const w of watched) {
      await until(() => w.events.at(-1)?.seq === log.at(-1)!.seq, "the consumer at the head", 20_000);
      expectSameStream(w.events, log);
    }
  }, 120_000);
});
