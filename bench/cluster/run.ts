// Fan-out through a 3-master Redis Cluster (sharded pub/sub) against one Redis, 3 hub processes each, one
// run: deliveries/s and latency for a broadcast case (many clients on one dashboard channel) and a
// dashboard case (alerts to many persona channels), and the cluster-bus messages each publish costs;
// then classic PUBLISH (REDIS_URL at one node of the same cluster, as before sharding) for the bus figure.
// Run: npx tsx bench/cluster/run.ts   env: BENCH_CLIENTS (300), BENCH_PERSONAS (150), BENCH_SNAPSHOTS (30),
// BENCH_RATE (snapshots/s in the fixed-rate phase, 10). Writes bench/results/cluster.json.
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { mintToken } from "../../src/http/token.js";
import { spareRedisServer } from "../../test/broker/helpers/redis-server.js";
import { startRedisCluster, type RedisCluster } from "../../test/helpers/redis-cluster.js";
import { TEST_SECRET } from "../../test/helpers/test-app.js";
import { createPostgresDatabase } from "../../test/helpers/test-database.js";
import { call, createDashboard, subscribeEverySnapshot } from "../../test/sdk/helpers/hub-api.js";
import { HubNode } from "../../test/sdk/helpers/hub-node.js";
import { fmt, summarize, writeResult } from "../stats.js";
import { busCounters, type BusCounters } from "./bus-stats.js";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 300);
const PERSONAS = Number(process.env.BENCH_PERSONAS ?? 150);
const SNAPSHOTS = Number(process.env.BENCH_SNAPSHOTS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 10);

type Setup = "redis" | "cluster" | "classic-on-cluster";

interface Sink {
  /** Commit (the event's `at`) to frame received, ms. */
  latencies: number[];
  received: number;
  lastAt: number;
}

async function connect(url: string, sub: string, channel: string, sink: Sink): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const ready = new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      const f = JSON.parse(data.toString()) as { type: string; at?: string };
      if (f.type === "welcome") ws.send(JSON.stringify({ op: "subscribe", channel }));
      else if (f.type === "subscribed") resolve();
      else if (f.type === "event" && f.at) {
        const at = Date.now();
        sink.received++;
        sink.lastAt = at;
        sink.latencies.push(at - Date.parse(f.at));
      }
    });
  });
  ws.send(JSON.stringify({ op: "auth", token: await mintToken(TEST_SECRET, { sub }) }));
  await ready;
  return ws;
}

let snapshotNo = 0;
const snapshot = () => ({ rows: [{ id: "a", score: ++snapshotNo }, { id: "b", score: 1e6 - snapshotNo }], primary_metric: snapshotNo });

async function post(nodes: HubNode[], token: string, id: string, i: number) {
  const res = await call(nodes[i % nodes.length]!.url, "POST", `/api/dashboard/${id}/snapshot`, token, snapshot());
  if (res.status !== 201) throw new Error(`snapshot refused: ${res.status}`);
}

/** A fixed-rate phase (latency) then back to back with 2 in flight (deliveries/s). */
async function drive(nodes: HubNode[], token: string, id: string, sink: Sink, perSnapshot: number, cluster: RedisCluster | null) {
  const bus0 = cluster ? await busCounters(cluster) : null;
  sink.latencies = [];
  sink.received = 0;
  for (let i = 0; i < SNAPSHOTS; i++) {
    const due = Date.now() + 1000 / RATE;
    await post(nodes, token, id, i);
    await sleep(Math.max(0, due - Date.now()));
  }
  await until(() => sink.received >= SNAPSHOTS * perSnapshot, 20_000);
  const fixed = { deliveries: sink.received, expected: SNAPSHOTS * perSnapshot, latency_ms: summarize(sink.latencies) };
  const bus1 = cluster ? await busCounters(cluster) : null;

  sink.received = 0;
  sink.latencies = [];
  const started = Date.now();
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    while (next < SNAPSHOTS) await post(nodes, token, id, next++);
  }));
  await until(() => sink.received >= SNAPSHOTS * perSnapshot, 30_000);
  const saturated = {
    deliveries: sink.received,
    deliveries_per_s: sink.received / ((sink.lastAt - started) / 1000),
    latency_ms: summarize(sink.latencies),
  };
  return { fixed, saturated, bus: bus0 && bus1 ? diffBus(bus0, bus1, SNAPSHOTS) : null };
}

function diffBus(a: BusCounters, b: BusCounters, snapshots: number) {
  const publishes = b.brokerPublishes - a.brokerPublishes;
  const pubsubMessages = b.pubsubMessagesSent - a.pubsubMessagesSent;
  return {
    broker_publishes: publishes,
    pubsub_bus_messages: pubsubMessages,
    pubsub_bus_messages_per_publish: pubsubMessages / Math.max(1, publishes),
    // Each pub/sub bus message carries the 2256-byte cluster header (+ 8) before its channel and payload.
    min_pubsub_bus_bytes_per_publish: (pubsubMessages * 2264) / Math.max(1, publishes),
    all_bus_messages_per_snapshot: (b.allMessagesSent - a.allMessagesSent) / snapshots,
  };
}

async function until(done: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await sleep(20);
}

async function startNode(databaseUrl: string, env: Record<string, string>, attempts = 3): Promise<HubNode> {
  for (let i = 1; ; i++) {
    try {
      return await HubNode.start({ databaseUrl, env });
    } catch (error) {
      if (i >= attempts) throw error;
      console.error(`hub start failed (attempt ${i}), trying again`);
    }
  }
}

async function runSetup(setup: Setup, brokerEnv: Record<string, string>, cluster: RedisCluster | null, cases: ("broadcast" | "dashboard")[]) {
  const db = await createPostgresDatabase();
  const nodes: HubNode[] = [];
  const sockets: WebSocket[] = [];
  try {
    // One at a time: three hubs compiling TypeScript at once on a busy machine can miss the start timeout.
    for (let i = 0; i < 3; i++) nodes.push(await startNode(db.url, brokerEnv));
    const admin = await mintToken(TEST_SECRET, { sub: "bench-admin", roles: ["admin"] });
    const out: Record<string, unknown> = {};
    if (cases.includes("broadcast")) {
      await createDashboard(nodes[0]!.url, admin, "bcast");
      await post(nodes, admin, "bcast", 0); // the baseline snapshot
      const sink: Sink = { latencies: [], received: 0, lastAt: 0 };
      for (let i = 0; i < CLIENTS; i++) sockets.push(await connect(nodes[i % 3]!.url, `viewer-${i}`, "dashboard:bcast", sink));
      out.broadcast = await drive(nodes, admin, "bcast", sink, CLIENTS, cluster);
    }
    if (cases.includes("dashboard")) {
      await createDashboard(nodes[0]!.url, admin, "alerts");
      for (let i = 0; i < PERSONAS; i++) await subscribeEverySnapshot(nodes[0]!.url, admin, "alerts", `p${i}`);
      await post(nodes, admin, "alerts", 0);
      const sink: Sink = { latencies: [], received: 0, lastAt: 0 };
      for (let i = 0; i < PERSONAS; i++) sockets.push(await connect(nodes[i % 3]!.url, `p${i}`, `persona:p${i}`, sink));
      out.dashboard = await drive(nodes, admin, "alerts", sink, PERSONAS, cluster);
    }
    console.error(`${setup}: ${JSON.stringify(out)}`);
    return out;
  } finally {
    for (const ws of sockets) ws.terminate();
    await Promise.all(nodes.map((n) => n.stop()));
    await db.drop();
  }
}

const cluster = await startRedisCluster(3);
const redis = await spareRedisServer();
try {
  const results = {
    params: { clients: CLIENTS, personas: PERSONAS, snapshots: SNAPSHOTS, rate: RATE, hub_nodes: 3 },
    redis: await runSetup("redis", { REDIS_URL: redis.url }, null, ["broadcast", "dashboard"]),
    cluster: await runSetup("cluster", { REDIS_CLUSTER_URLS: cluster.urls }, cluster, ["broadcast", "dashboard"]),
    classic_on_cluster: await runSetup("classic-on-cluster", { REDIS_URL: cluster.nodes[0]!.url }, cluster, ["broadcast"]),
  };
  writeResult("cluster", results);
  const row = (name: string, r: any) =>
    r && console.log(`${name.padEnd(28)} ${fmt(r.saturated.deliveries_per_s, 0).padStart(8)}/s  p99 fixed ${fmt(r.fixed.latency_ms.p99, 0)} ms  p99 saturated ${fmt(r.saturated.latency_ms.p99, 0)} ms  bus/publish ${r.bus ? fmt(r.bus.pubsub_bus_messages_per_publish, 2) : "-"}`);
  row("broadcast, one Redis", results.redis.broadcast);
  row("broadcast, cluster", results.cluster.broadcast);
  row("broadcast, classic on cluster", results.classic_on_cluster.broadcast);
  row("dashboard, one Redis", results.redis.dashboard);
  row("dashboard, cluster", results.cluster.dashboard);
} finally {
  await redis.stop();
  await cluster.stop();
}
