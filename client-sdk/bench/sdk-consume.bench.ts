// The SDK against a real hub process (PostgreSQL, one node): events/s one client consumes live, and how
// long it takes to catch up on a 100 000-event log, with this process's memory for each.
// Run from client-sdk/: npx tsx bench/sdk-consume.bench.ts (PostgreSQL at 127.0.0.1:5432 required).
// Knobs: BENCH_LIVE_SECONDS (10), BENCH_IN_FLIGHT (4), BENCH_REPLAY_EVENTS (100000), BENCH_ROUNDS (3).
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fmt, median } from "../../bench/stats.js";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../../test/helpers/test-app.js";
import { createPostgresDatabase } from "../../test/helpers/test-database.js";
import { createDashboard, metric } from "../../test/sdk/helpers/hub-api.js";
import { HubNode } from "../../test/sdk/helpers/hub-node.js";
import { measureLive } from "./real-hub/live-consume.js";
import { prefillLog } from "./real-hub/prefill-log.js";
import { rawHttpReplay, rawSocketReplay } from "./real-hub/raw-baseline.js";
import { measureReplay, type ReplayResult } from "./real-hub/replay-consume.js";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const LIVE_SECONDS = env("BENCH_LIVE_SECONDS", 10);
const IN_FLIGHT = env("BENCH_IN_FLIGHT", 4);
const REPLAY_EVENTS = env("BENCH_REPLAY_EVENTS", 100_000);
const ROUNDS = env("BENCH_ROUNDS", 3);

const db = await createPostgresDatabase();
const hub = await HubNode.start({ databaseUrl: db.url, env: { LOG_LEVEL: "info" } });
try {
  const admin = await mintToken(TEST_SECRET, { sub: "bench-admin", roles: ["admin"] });
  const getToken = () => mintToken(TEST_SECRET, { sub: "bench-persona" });
  const loadBefore = os.loadavg()[0]!;

  console.log(`live: ${LIVE_SECONDS} s, ${IN_FLIGHT} POSTs in flight ...`);
  const live = await measureLive({ url: hub.url, admin, getToken, seconds: LIVE_SECONDS, inFlight: IN_FLIGHT });

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
  const rawSocket = await rawSocketReplay(hub.url, admin, replayId, REPLAY_EVENTS);
  const rawHttp = await rawHttpReplay(hub.url, admin, replayId, REPLAY_EVENTS);

  const result = {
    machine: { cpus: os.cpus().length, load_1m_before: loadBefore, node: process.version },
    hub: "one node, PostgreSQL, in-process broker, default limits (1 MiB outbound budget), separate process",
    live,
    replay: {
      events: REPLAY_EVENTS,
      prefill_seconds: prefillSeconds,
      rounds: replays,
      median_events_per_s: median(replays.map((r) => r.events_per_s)),
      median_seconds: median(replays.map((r) => r.seconds)),
      slow_consumer_gaps_sent: slowConsumerGaps,
      without_sdk: { hub_socket_replay: rawSocket, http_pages_of_1000: rawHttp },
    },
  };

  const rows: [string, string, string, string, string][] = [
    ["phase", "events", "events/s", "time", "client memory (peak Δ rss / heap)"],
    [
      `live, ${IN_FLIGHT} in flight`,
      String(live.events),
      fmt(live.events_per_s, 0),
      `${fmt(live.seconds, 1)} s (p50 ${fmt(live.latency_ms.p50, 1)} ms, p99 ${fmt(live.latency_ms.p99, 1)} ms POST→app)`,
      `${live.memory.rss_delta_mb} / ${live.memory.heap_delta_mb} MB`,
    ],
    ...replays.map((r, i): [string, string, string, string, string] => [
      `replay ${i + 1}, since 0`,
      String(r.events),
      fmt(r.events_per_s, 0),
      `${fmt(r.seconds, 1)} s (first event ${fmt(r.first_event_ms, 0)} ms)`,
      `${r.memory.rss_delta_mb} / ${r.memory.heap_delta_mb} MB`,
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
