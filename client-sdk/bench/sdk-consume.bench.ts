// The SDK against a real hub process (PostgreSQL, one node): events/s one client consumes live, and how
// long it takes to catch up on a 100 000-event log, with this process's memory for each. Live is measured
// twice: behind real ingest (POSTs, which bound it), and fed straight through Redis (the SDK's own ceiling).
// Run from client-sdk/: npx tsx bench/sdk-consume.bench.ts
// PostgreSQL and Redis (127.0.0.1:6379, or BENCH_REDIS_URL) required.
// Knobs: BENCH_LIVE_SECONDS (10), BENCH_IN_FLIGHT (4), BENCH_FANOUT_EVENTS (50000), BENCH_REPLAY_EVENTS
// (100000), BENCH_ROUNDS (3).
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fmt, median } from "../../bench/stats.js";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../../test/helpers/test-app.js";
import { createPostgresDatabase } from "../../test/helpers/test-database.js";
import { createDashboard, metric } from "../../test/sdk/helpers/hub-api.js";
import { HubNode } from "../../test/sdk/helpers/hub-node.js";
import { measureGapFill, type GapFillResult } from "./real-hub/gap-fill.js";
import { measureLive } from "./real-hub/live-consume.js";
import { measureLiveFanout } from "./real-hub/live-fanout.js";
import type { MemoryReport } from "./real-hub/memory-sampler.js";
import { prefillLog } from "./real-hub/prefill-log.js";
import { rawHttpReplay, rawSocketReplay } from "./real-hub/raw-baseline.js";
import { measureReplay, type ReplayResult } from "./real-hub/replay-consume.js";

const mem = (m: MemoryReport) => `${m.rss_delta_mb} / ${m.heap_delta_mb} MB, ${m.retained_heap_mb} MB`;
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const LIVE_SECONDS = env("BENCH_LIVE_SECONDS", 10);
const IN_FLIGHT = env("BENCH_IN_FLIGHT", 4);
const FANOUT_EVENTS = env("BENCH_FANOUT_EVENTS", 50_000);
const REPLAY_EVENTS = env("BENCH_REPLAY_EVENTS", 100_000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const ROUNDS = env("BENCH_ROUNDS", 3);

const db = await createPostgresDatabase();
const hub = await HubNode.start({ databaseUrl: db.url, redisUrl: REDIS_URL });
try {
  const admin = await mintToken(TEST_SECRET, { sub: "bench-admin", roles: ["admin"] });
  const getToken = () => mintToken(TEST_SECRET, { sub: "bench-persona" });
  const loadBefore = os.loadavg()[0]!;

  console.log(`live: ${LIVE_SECONDS} s, ${IN_FLIGHT} POSTs in flight ...`);
  const live = await measureLive({ url: hub.url, admin, getToken, seconds: LIVE_SECONDS, inFlight: IN_FLIGHT });
  console.log(`live through Redis: ${FANOUT_EVENTS} events ...`);
  const fanout = await measureLiveFanout({ url: hub.url, databaseUrl: db.url, redisUrl: REDIS_URL, admin, getToken, events: FANOUT_EVENTS, batch: Number(process.env.BENCH_FANOUT_BATCH ?? 2), window: Number(process.env.BENCH_FANOUT_WINDOW ?? 500) });

  const replayId = "replay-bench";
  await createDashboard(hub.url, admin, replayId);
  const prefillStarted = performance.now();
  await prefillLog(db.url, replayId, REPLAY_EVENTS);
  const prefillSeconds = (performance.now() - prefillStarted) / 1000;
  console.log(`prefilled ${REPLAY_EVENTS} events in ${fmt(prefillSeconds, 1)} s; replaying ${ROUNDS} times ...`);
  const gapsBefore = await metric(hub.url, "dashwatch_ws_gaps_sent_total", { reason: "slow_consumer" });
  const replays: ReplayResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    replays.push(await measureReplay({ url: hub.url, getToken, dashboardId: replayId, count: REPLAY_EVENTS }));
  }
  const slowConsumerGaps = (await metric(hub.url, "dashwatch_ws_gaps_sent_total", { reason: "slow_consumer" })) - gapsBefore;
  console.log(`gap fill: ${ROUNDS} x ${REPLAY_EVENTS} events ...`);
  const gapFills: GapFillResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    gapFills.push(await measureGapFill({ url: hub.url, databaseUrl: db.url, redisUrl: REDIS_URL, admin, getToken, count: REPLAY_EVENTS }));
  }
  const rawSocket = await rawSocketReplay(hub.url, admin, replayId, REPLAY_EVENTS);
  const rawHttp = await rawHttpReplay(hub.url, admin, replayId, REPLAY_EVENTS);

  const result = {
    machine: { cpus: os.cpus().length, load_1m_before: loadBefore, node: process.version },
    hub: "one node in its own process, PostgreSQL, Redis broker, default limits (1 MiB outbound budget)",
    live,
    live_through_redis: fanout,
    replay: {
      events: REPLAY_EVENTS,
      prefill_seconds: prefillSeconds,
      rounds: replays,
      median_events_per_s: median(replays.map((r) => r.events_per_s)),
      median_seconds: median(replays.map((r) => r.seconds)),
      slow_consumer_gaps_sent: slowConsumerGaps,
      without_sdk: { hub_socket_replay: rawSocket, http_pages_of_1000: rawHttp },
    },
    gap_fill: {
      events: REPLAY_EVENTS,
      rounds: gapFills,
      median_events_per_s: median(gapFills.map((r) => r.events_per_s)),
      median_seconds: median(gapFills.map((r) => r.seconds)),
    },
  };

  const rows: [string, string, string, string, string][] = [
    ["phase", "events", "events/s", "time", "client process memory: peak Δ rss / heap, retained heap"],
    [
      `live, ${IN_FLIGHT} in flight`,
      String(live.events),
      fmt(live.events_per_s, 0),
      `${fmt(live.seconds, 1)} s (p50 ${fmt(live.latency_ms.p50, 1)} ms, p99 ${fmt(live.latency_ms.p99, 1)} ms POST→app)`,
      mem(live.memory),
    ],
    [
      `live via Redis, ${fanout.batch}/msg`,
      String(fanout.events),
      fmt(fanout.events_per_s, 0),
      `${fmt(fanout.seconds, 1)} s (window ${fanout.window}, hub gaps ${fanout.gaps_sent})`,
      mem(fanout.memory),
    ],
    ...replays.map((r, i): [string, string, string, string, string] => [
      `replay ${i + 1}, since 0`,
      String(r.events),
      fmt(r.events_per_s, 0),
      `${fmt(r.seconds, 1)} s (first event ${fmt(r.first_event_ms, 0)} ms)`,
      mem(r.memory),
    ]),
    ...gapFills.map((r, i): [string, string, string, string, string] => [
      `gap fill ${i + 1}, SDK over HTTP`,
      String(r.events),
      fmt(r.events_per_s, 0),
      `${fmt(r.seconds, 1)} s (hub gaps ${JSON.stringify(r.gaps_sent)})`,
      mem(r.memory),
    ]),
    ["without the SDK: bare ws, since 0", String(rawSocket.events), fmt(rawSocket.events_per_s, 0), `${fmt(rawSocket.seconds, 1)} s`, "-"],
    ["without the SDK: GET /events x1000", String(rawHttp.events), fmt(rawHttp.events_per_s, 0), `${fmt(rawHttp.seconds, 1)} s`, "-"],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
  console.log(`ingest during live: ${fmt(live.snapshots_per_s, 1)} snapshots/s; slow_consumer gaps the hub sent during replays: ${slowConsumerGaps}`);

  const dir = new URL("./results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("sdk-consume.json", dir), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await hub.stop();
  await db.drop();
}
