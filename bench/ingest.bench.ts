// Snapshot ingest as a user with a real dashboard sees it: 1 000-row snapshots (about 70 KB) whose every
// persona subscription matches, posted over HTTP to hub processes on PostgreSQL and Redis. Hub CPU is
// read from each hub's /proc entry; this process only generates load.
//
// Shapes: one node × 100 and × 1 000 subscriptions (sequential: latency, CPU per snapshot, CPU per extra
// alert), 8 dashboards × 8 requests in flight (snapshots/s), 3 nodes posting round robin to one dashboard
// (CPU per snapshot summed over the nodes, against the one-node figure).
//
// Usage: npx tsx bench/ingest.bench.ts. BENCH_ROOTS="base=/path/to/checkout,new=." runs each shape on each
// source tree in turn, in the same run (an A/B); BENCH_INGEST_N scales the counts; BENCH_CPU_PROF=dir
// writes a V8 profile per hub; SNAPSHOT_CACHE_BYTES is passed to the hubs; REDIS_URL (default TEST_REDIS_URL, then redis://127.0.0.1:6379).
import postgres from "postgres";
import { mintToken } from "../src/http/token.js";
import { startBenchHub, type BenchHub } from "./ingest-hub.js";
import { fmt, summarize, writeResult } from "./stats.js";

const ROWS = 1000;
const N = Number(process.env.BENCH_INGEST_N ?? 200);
const WARMUP = 20;
/** How long the hubs are watched idle, after start, before any load. */
const IDLE_MS = 5000;
const SECRET = "bench-secret-bench-secret-bench-secret!!";
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ROOTS = (process.env.BENCH_ROOTS ?? "this=.").split(",").map((s) => {
  const [label, path] = s.split("=");
  return { label: label!, root: path === "." ? undefined : path };
});

const SINGLE = "1 node, 100 subs, sequential";
const MANY = "1 node, 1000 subs, sequential";
const ROUND_ROBIN = "3 nodes round robin, 100 subs, sequential";

/** Every one of these matches every snapshot `bodyAt` makes: each moves 50 scores by 2 % or more. */
const RULES = [
  { value_delta_pct: 0.01, on_field: "score" },
  { or: [{ top_n_reordering: 3 }, { value_delta_pct: 0.01, on_field: "score" }] },
  { and: [{ value_delta_pct: 0.001, on_field: "score" }, { not: { set_removed_min: 1 } }] },
  { top_n_reordering: 2 },
];

function bodyAt(tick: number): string {
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    id: `row-${i}`,
    score: 100_000 - i * 50,
    region: i % 3 === 0 ? "eu" : "us",
    label: `Row number ${i}`,
  }));
  // Ranks 1 and 2 trade places every tick, and 50 others move by 2-10 %.
  if (tick % 2 === 1) rows[0]!.score = rows[1]!.score - 25;
  for (let k = 0; k < 50; k++) {
    const i = 2 + ((tick * 37 + k * 19) % (ROWS - 2));
    rows[i]!.score = Math.round(rows[i]!.score * (1.02 + ((tick + k) % 9) / 100));
  }
  return JSON.stringify({ rows });
}

interface Target {
  hubs: BenchHub[];
  headers: Record<string, string>;
}

async function api(t: Target, path: string, body: unknown, hub = t.hubs[0]!): Promise<unknown> {
  const res = await fetch(`${hub.url}${path}`, { method: "POST", headers: t.headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function dashboard(t: Target, id: string, subscriptions: number): Promise<void> {
  await api(t, "/api/dashboard", { id, rank_by: "score", top_n: 10 });
  for (let i = 0; i < subscriptions; i++) {
    await api(t, `/api/dashboard/${id}/subscriptions`, { subscriber_kind: "persona", subscriber_id: `persona-${i % 100}`, threshold_json: RULES[i % RULES.length] });
  }
}

/** Posts `count` snapshots, `inFlight` at a time, worker w to dashboard ids[w % ids.length] on hub pick(i). */
async function load(t: Target, ids: string[], count: number, inFlight: number, expectAlerts: number) {
  const ticks = new Map(ids.map((id) => [id, 0]));
  const latencies: number[] = [];
  let next = 0;
  // Bodies are made before the clock starts: the load generator shares the 2 cores with the hub and
  // PostgreSQL, and a 70 KB JSON.stringify per request is its own cost, not the hub's.
  const bodies = Array.from({ length: Math.ceil(count / ids.length) + inFlight + 1 }, (_, k) => bodyAt(k));
  const cpu0 = t.hubs.map((h) => h.cpuMicros());
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async (_, w) => {
      const id = ids[w % ids.length]!;
      while (next < count) {
        const i = next++;
        const tick = ticks.get(id)! + 1;
        ticks.set(id, tick);
        const body = bodies[tick] ?? bodyAt(tick);
        const t0 = performance.now();
        const out = (await api(t, `/api/dashboard/${id}/snapshot`, body, t.hubs[i % t.hubs.length])) as { alerts: unknown[] };
        latencies.push(performance.now() - t0);
        if (tick > 1 && out.alerts.length !== expectAlerts) throw new Error(`expected ${expectAlerts} alerts, got ${out.alerts.length}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = t.hubs.reduce((s, h, k) => s + (h.cpuMicros() - cpu0[k]!), 0) / 1000;
  const s = summarize(latencies);
  return { n: count, snapshots_per_s: count / seconds, p50_ms: s.p50, p99_ms: s.p99, cpu_ms_per_snapshot: cpuMs / count };
}

async function withHubs<T>(databaseUrl: string, root: string | undefined, nodes: number, label: string, fn: (t: Target) => Promise<T>): Promise<T> {
  const prof = process.env.BENCH_CPU_PROF ? `${process.env.BENCH_CPU_PROF}/${label}` : undefined;
  const hubs: BenchHub[] = [];
  for (let i = 0; i < nodes; i++) hubs.push(await startBenchHub({ databaseUrl, redisUrl: REDIS_URL, jwtSecret: SECRET, root, cpuProfDir: prof }));
  const token = await mintToken(SECRET, { sub: "bench", roles: ["admin"] });
  // A node's own upkeep (timers, probes) counts in every shape's CPU, the more so with three nodes.
  await new Promise((resolve) => setTimeout(resolve, 2000)); // past start-up's own tail (JIT, first probes)
  const idle0 = hubs.map((h) => h.cpuMicros());
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idle = hubs.reduce((s, h, k) => s + (h.cpuMicros() - idle0[k]!), 0) / hubs.length / IDLE_MS;
  console.log(`${label.padEnd(6)} idle CPU per hub: ${fmt(idle, 2)} ms/s`);
  try {
    return await fn({ hubs, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
  } finally {
    await Promise.all(hubs.map((h) => h.stop()));
  }
}

/** BENCH_SHAPES="single,many,parallel,rr" (default all) picks the shapes. */
const SHAPES = new Set((process.env.BENCH_SHAPES ?? "single,many,parallel,rr").split(","));
type Figures = Awaited<ReturnType<typeof load>>;

/** The shapes that share one node, then the round robin: each group runs on every tree before the next, so the trees see the same machine. */
async function oneNode(t: Target, out: Record<string, Figures>) {
  if (SHAPES.has("single")) {
    await dashboard(t, "s100", 100);
    await load(t, ["s100"], WARMUP, 1, 100);
    out[SINGLE] = await load(t, ["s100"], N, 1, 100);
  }
  if (SHAPES.has("many")) {
    await dashboard(t, "s1000", 1000);
    await load(t, ["s1000"], WARMUP, 1, 1000);
    out[MANY] = await load(t, ["s1000"], Math.ceil(N / 2), 1, 1000);
  }
  if (SHAPES.has("parallel")) {
    const ids = Array.from({ length: 8 }, (_, i) => `m${i}`);
    for (const id of ids) await dashboard(t, id, 100);
    await load(t, ids, WARMUP, 8, 100);
    out["1 node, 8 dashboards x 100 subs, 8 in flight"] = await load(t, ids, 2 * N, 8, 100);
  }
}

async function roundRobin(t: Target, out: Record<string, Figures>) {
  await dashboard(t, "rr", 100);
  // Every node as warm as the single node is: each takes WARMUP snapshots before the measured ones.
  await load(t, ["rr"], WARMUP * t.hubs.length, 1, 100);
  out[ROUND_ROBIN] = await load(t, ["rr"], N, 1, 100);
}

const print = (label: string, shape: string, r: Figures) =>
  console.log(`${label.padEnd(6)} ${shape.padEnd(46)} ${fmt(r.snapshots_per_s, 1).padStart(8)} ${fmt(r.p50_ms).padStart(8)} ${fmt(r.p99_ms).padStart(8)} ${fmt(r.cpu_ms_per_snapshot).padStart(12)}`);

console.log(`ingest: ${ROWS}-row snapshots, every persona subscription matching, hub processes on PostgreSQL + Redis`);
console.log(`${"tree".padEnd(6)} ${"shape".padEnd(46)} ${"snap/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"CPU ms/snap".padStart(12)}`);
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const results: Record<string, Record<string, Figures>> = {};
const groups: [string, number, (t: Target, out: Record<string, Figures>) => Promise<void>][] = [];
if (SHAPES.has("single") || SHAPES.has("many") || SHAPES.has("parallel")) groups.push(["single", 1, oneNode]);
if (SHAPES.has("rr")) groups.push(["rr", 3, roundRobin]);
try {
  for (const [group, nodes, run] of groups) {
    for (const { label, root } of ROOTS) {
      const dbName = `dw_bench_ingest_${label}_${group}_${process.pid}`;
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.unsafe(`create database ${dbName}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${dbName}`;
      const out: Record<string, Figures> = {};
      try {
        await withHubs(url.toString(), root, nodes, `${label}-${group}`, (t) => run(t, out));
      } finally {
        await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      }
      for (const [shape, r] of Object.entries(out)) print(label, shape, r);
      results[label] = { ...results[label], ...out };
    }
  }
} finally {
  await admin.end();
}

for (const [label, rows] of Object.entries(results)) {
  const one = rows[SINGLE]?.cpu_ms_per_snapshot ?? NaN;
  const many = rows[MANY]?.cpu_ms_per_snapshot ?? NaN;
  const rr = rows[ROUND_ROBIN]?.cpu_ms_per_snapshot ?? NaN;
  console.log(`${label.padEnd(6)} CPU per extra alert ${fmt((many - one) / 900, 4)} ms; round robin / single node ${fmt(rr / one)}x`);
}
writeResult("ingest", { rows: ROWS, n: N, results });
