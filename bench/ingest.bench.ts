// Snapshot ingest over real HTTP on loopback: 1 000-row snapshots, 100 subscriptions on the dashboard.
// Runs on PostgreSQL (a fresh database) and on embedded PGlite. Usage: npx tsx bench/ingest.bench.ts
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import pino from "pino";
import postgres from "postgres";
import { Registry } from "prom-client";
import { createApp } from "../src/app.js";
import { createTokenVerifier } from "../src/http/auth.js";
import { DEFAULT_SETTINGS } from "../src/http/routes/dashboards.js";
import { mintToken } from "../src/http/token.js";
import { openStore } from "../src/store/open-store.js";
import { fmt, summarize, writeResult } from "./stats.js";

const ROWS = 1000;
const SUBSCRIPTIONS = 100;
const WARMUP = 20;
const SEQUENTIAL = Number(process.env.BENCH_INGEST_N ?? 300);
const CONCURRENT = Number(process.env.BENCH_INGEST_CONCURRENT_N ?? 300);
const CONCURRENCY = 4;
const SECRET = "bench-secret-bench-secret-bench-secret!!";
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let tick = 0;
/** A leaderboard that drifts: a few scores move each time, so diffs and rules have real work. */
function nextRows(): { id: string; score: number; region: string }[] {
  tick++;
  return Array.from({ length: ROWS }, (_, i) => ({
    id: `row-${i}`,
    score: 10_000 - i * 7 + (i % 17 === tick % 17 ? (tick % 5) * 40 : 0),
    region: i % 3 === 0 ? "eu" : "us",
  }));
}

const rules = [
  { top_n_reordering: 3 },
  { value_delta_pct: 0.01, on_field: "score" },
  { set_added_min: 1 },
  { or: [{ top_n_reordering: 10 }, { primary_metric_delta_pct: 0.001 }] },
  { and: [{ value_delta_pct: 0.001, on_field: "score" }, { not: { set_removed_min: 1 } }] },
];

async function run(label: string, databaseUrl: string | null) {
  const store = await openStore({ databaseUrl });
  const app = createApp({
    store,
    publish: () => {},
    logger: pino({ level: "silent" }),
    now: () => new Date(),
    limits: { maxRows: 100_000, webhookAllowPrivate: false },
    subscriptionQuota: { perDashboard: 1000, perOwner: 100 },
    verifyToken: createTokenVerifier({ secret: SECRET, jwksUrl: null, issuer: null, audience: null }),
    maxBodyBytes: 10 << 20,
    rateLimitPerMin: 0,
    metrics: new Registry(),
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await mintToken(SECRET, { sub: "bench", roles: ["admin"] });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

  await store.createDashboard("bench", { ...DEFAULT_SETTINGS, rank_by: "score", primary_metric_field: "score" });
  for (let i = 0; i < SUBSCRIPTIONS; i++) {
    await store.createSubscription(
      { dashboard_id: "bench", subscriber_kind: "persona", subscriber_id: `p${i % 10}`, threshold_json: rules[i % rules.length]!, fallback: null, owner: `p${i % 10}` },
      { secret: null, fallback_secret: null },
      "bench",
    );
  }
  const post = async () => {
    const body = JSON.stringify({ rows: nextRows() });
    const started = performance.now();
    const res = await fetch(`${base}/api/dashboard/bench/snapshot`, { method: "POST", headers, body });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`ingest answered ${res.status}`);
    return performance.now() - started;
  };

  for (let i = 0; i < WARMUP; i++) await post();
  const sequential: number[] = [];
  const seqStart = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await post());
  const seqSeconds = (performance.now() - seqStart) / 1000;

  const concurrent: number[] = [];
  let remaining = CONCURRENT;
  const concStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (remaining-- > 0) concurrent.push(await post());
    }),
  );
  const concSeconds = (performance.now() - concStart) / 1000;
  server.close();
  await store.close();

  const s = summarize(sequential);
  const c = summarize(concurrent);
  return {
    store: label,
    sequential: { snapshots_per_s: SEQUENTIAL / seqSeconds, p50_ms: s.p50, p99_ms: s.p99 },
    concurrent: { concurrency: CONCURRENCY, snapshots_per_s: CONCURRENT / concSeconds, p50_ms: c.p50, p99_ms: c.p99 },
  };
}

const dbName = `dw_bench_${process.pid}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.unsafe(`create database ${dbName}`);
const pgUrl = new URL(ADMIN_URL);
pgUrl.pathname = `/${dbName}`;

const results = [];
try {
  results.push(await run("postgres", pgUrl.toString()));
  results.push(await run("pglite", null));
} finally {
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}

console.log(`\ningest: ${ROWS}-row snapshots, ${SUBSCRIPTIONS} subscriptions, HTTP on loopback`);
console.log("store     mode            snapshots/s   p50 ms   p99 ms");
for (const r of results) {
  console.log(`${r.store.padEnd(9)} sequential      ${fmt(r.sequential.snapshots_per_s, 1).padStart(11)} ${fmt(r.sequential.p50_ms).padStart(8)} ${fmt(r.sequential.p99_ms).padStart(8)}`);
  console.log(`${r.store.padEnd(9)} concurrency ${CONCURRENCY}   ${fmt(r.concurrent.snapshots_per_s, 1).padStart(11)} ${fmt(r.concurrent.p50_ms).padStart(8)} ${fmt(r.concurrent.p99_ms).padStart(8)}`);
}
writeResult("ingest", { rows: ROWS, subscriptions: SUBSCRIPTIONS, results });
