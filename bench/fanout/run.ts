// Fan-out benchmark: Dashwatch against a raw `ws` broadcast and Socket.IO 4, side by side in one run.
// Each configuration runs REPEAT times (fresh server each time); medians, spreads and ratios are printed
// and written to bench/results/fanout.json (fanout-<case>.json for another BENCH_CASE, see cases.ts).
// Dashwatch runs its compiled build when the tree has one (`npm run build`), as `npm start` does. An A/B
// run sets BENCH_BASE_ROOT to a checkout of the baseline: "dashwatch-base" then runs that tree in the same
// rounds, and the ratios compare the two within each round.
// Usage: npx tsx bench/fanout/run.ts
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { mintToken } from "../../src/http/token.js";
import { fmt, hubNodeArgs, median, writeResult } from "../stats.js";
import { CASES, personaOf, type BenchCase } from "./cases.js";
import type { TargetKind } from "./targets.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CASE = (process.env.BENCH_CASE ?? "broadcast") as BenchCase;
if (!(CASE in CASES)) throw new Error(`BENCH_CASE must be one of ${Object.keys(CASES).join(", ")}`);
const SHAPE = CASES[CASE];
const CLIENTS = (process.env.BENCH_CLIENTS ?? (SHAPE.personas > 0 ? "5000" : "1000,5000")).split(",").map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const BASE_ROOT = process.env.BENCH_BASE_ROOT;
/** A server under test: one of the targets, or the baseline tree's Dashwatch. */
type ServerKind = TargetKind | "dashwatch-base";
const TARGETS = (process.env.BENCH_TARGETS ?? `raw-ws,socketio,dashwatch${BASE_ROOT ? ",dashwatch-base" : ""}`).split(",") as ServerKind[];
if (TARGETS.includes("dashwatch-base") && !BASE_ROOT) throw new Error("dashwatch-base needs BENCH_BASE_ROOT");
const SECRET = "fanout-bench-secret-fanout-bench-secret";
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** A folder: every server runs under `node --cpu-prof` and writes its profile to <folder>/<target> on exit. */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;

interface Result {
  target: ServerKind;
  clients: number;
  rss_per_connection_bytes: number;
  fixed: { deliveries: number; expected: number; bytes_per_delivery: number; cpu_us_per_delivery: number; latency_ms: { p50: number; p99: number } };
  saturation: { deliveries_per_s: number; cpu_us_per_delivery: number; deliveries: number; expected: number };
}

interface Running {
  pid: number;
  line: string;
  /** What it has printed so far. */
  output(): string;
  stop(): void;
  done: Promise<string>;
}

function runProcess(script: string, env: Record<string, string>, untilLine?: RegExp, nodeArgs: string[] = []): Promise<Running> {
  // node itself (with --import tsx for TypeScript), not the tsx wrapper: the pid must be the server's own, for /proc CPU and RSS.
  const child = spawn(process.execPath, [...nodeArgs, script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const done = new Promise<string>((resolve) => child.once("exit", () => resolve(out)));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const match = untilLine?.exec(out);
      // A profiled server must exit on its own to write the profile.
      const stop = () => child.kill(nodeArgs.includes("--cpu-prof") ? "SIGTERM" : "SIGKILL");
      if (match) resolve({ pid: child.pid!, line: match[0], output: () => out, stop, done });
    });
    if (!untilLine) resolve({ pid: child.pid!, line: "", output: () => out, stop: () => child.kill("SIGKILL"), done });
    child.once("exit", (code) => untilLine && !untilLine.test(out) && reject(new Error(`${script} exited ${code}: ${out}`)));
  });
}

const TSX = ["--import", "tsx"];
/** For the Dashwatch servers only (both trees). */
const HUB_NODE_ARGS = hubNodeArgs();

/** The script and node flags of one server; a Dashwatch tree without a build runs its source under tsx. */
function serverCommand(kind: ServerKind): { script: string; nodeArgs: string[]; env: Record<string, string> } {
  const profile = CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${join(CPU_PROF_DIR, kind)}`] : [];
  if (kind === "raw-ws") return { script: "bench/fanout/raw-ws-server.ts", nodeArgs: [...profile, ...TSX], env: {} };
  if (kind === "socketio") return { script: "bench/fanout/socketio-server.ts", nodeArgs: [...profile, ...TSX], env: {} };
  const root = kind === "dashwatch-base" ? BASE_ROOT! : ROOT;
  const compiled = existsSync(join(root, "dist/server.js"));
  return { script: "bench/fanout/dashwatch-server.mjs", nodeArgs: [...profile, ...HUB_NODE_ARGS, ...(compiled ? [] : TSX)], env: { BENCH_HUB_ROOT: root } };
}

async function once(kind: ServerKind, clients: number, token: string, dbUrl: string): Promise<Result> {
  const command = serverCommand(kind);
  const server = await runProcess(command.script, { ...command.env, BENCH_DATABASE_URL: dbUrl, BENCH_JWT_SECRET: SECRET }, /\{"port":\d+\}/, command.nodeArgs);
  const base = `http://127.0.0.1:${(JSON.parse(server.line) as { port: number }).port}`;
  const target: TargetKind = kind === "dashwatch-base" ? "dashwatch" : kind;
  try {
    if (target === "dashwatch") await setUpDashwatch(base, token);
    const gen = await runProcess("bench/fanout/loadgen.ts", { TARGET: target, BASE_URL: base, TOKEN: token, SERVER_PID: String(server.pid), CLIENTS: String(clients), BENCH_CASE: CASE }, undefined, TSX);
    const out = await gen.done;
    const line = out.trim().split("\n").pop() ?? "";
    if (!line.startsWith("{")) throw new Error(`${kind}: the load generator gave no result; the server said:\n${server.output().slice(-4000)}`);
    return { ...(JSON.parse(line) as Result), target: kind };
  } finally {
    server.stop();
    await server.done;
  }
}

/** The bench dashboard, and in the persona cases one matching persona subscription per channel. */
async function setUpDashwatch(base: string, token: string) {
  // Only 201: a 409 is a quota (MAX_SUBSCRIPTIONS_PER_OWNER), and a case short of its subscriptions
  // measures fewer deliveries per snapshot than it claims while the load generator waits for the rest.
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  await call("/api/dashboard", { id: "bench", ...SHAPE.dashboard });
  for (let i = 0; i < SHAPE.personas; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, SHAPE.personas - i) }, (_, j) =>
        call("/api/dashboard/bench/subscriptions", { subscriber_kind: "persona", subscriber_id: personaOf(i + j), threshold_json: { not: { set_added_min: 1_000_000 } } }),
      ),
    );
  }
}

/** Deliveries received of those expected, per phase: short of 100 % means the figures cover less than the case. */
const delivered = (r: Result) => `${fmt((100 * r.fixed.deliveries) / r.fixed.expected, 1)} % / ${fmt((100 * r.saturation.deliveries) / r.saturation.expected, 1)} %`;
const spread = (values: number[]) => `${fmt(Math.min(...values))}..${fmt(Math.max(...values))}`;

const token = await mintToken(SECRET, { sub: "bench", roles: ["admin"], expiresIn: "2h" });
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const results: Result[] = [];
try {
  for (const clients of CLIENTS) {
    for (let r = 0; r < REPEAT; r++) {
      for (const kind of TARGETS) {
        const db = `dw_fanout_${process.pid}_${r}`;
        await admin.unsafe(`drop database if exists ${db} with (force)`);
        await admin.unsafe(`create database ${db}`);
        const url = new URL(ADMIN_URL);
        url.pathname = `/${db}`;
        try {
          const result = await once(kind, clients, token, url.toString());
          results.push(result);
          console.error(`${kind} N=${clients} run ${r + 1}: ${fmt(result.saturation.deliveries_per_s, 0)} deliveries/s, ${fmt(result.saturation.cpu_us_per_delivery)} µs CPU/delivery, p99 ${fmt(result.fixed.latency_ms.p99)} ms, delivered ${delivered(result)}`);
        } finally {
          await admin.unsafe(`drop database if exists ${db} with (force)`);
        }
      }
    }
  }
} finally {
  await admin.end();
}

const summary = CLIENTS.flatMap((clients) =>
  TARGETS.map((target) => {
    const runs = results.filter((r) => r.target === target && r.clients === clients);
    const pick = (f: (r: Result) => number) => runs.map(f);
    return {
      target,
      clients,
      cpu_us_per_delivery: pick((r) => r.saturation.cpu_us_per_delivery),
      deliveries_per_s: pick((r) => r.saturation.deliveries_per_s),
      p50_ms_at_20k: pick((r) => r.fixed.latency_ms.p50),
      p99_ms_at_20k: pick((r) => r.fixed.latency_ms.p99),
      delivered_at_20k: pick((r) => r.fixed.deliveries / r.fixed.expected),
      rss_kb_per_connection: pick((r) => r.rss_per_connection_bytes / 1024),
      bytes_per_delivery: pick((r) => r.fixed.bytes_per_delivery),
    };
  }),
);

console.log(`\nfan-out, case ${CASE} (median of runs, spread in brackets)`);
console.log("target         N     µs CPU/delivery    deliveries/s          p50 ms @20k/s    p99 ms @20k/s     KB RSS/conn");
for (const s of summary) {
  const col = (v: number[], d = 2) => `${fmt(median(v), d)} [${spread(v)}]`.padEnd(20);
  console.log(
    `${s.target.padEnd(14)} ${String(s.clients).padEnd(5)} ${col(s.cpu_us_per_delivery)} ${col(s.deliveries_per_s, 0)} ${col(s.p50_ms_at_20k)} ${col(s.p99_ms_at_20k)} ${col(s.rss_kb_per_connection, 1)} ${fmt(median(s.bytes_per_delivery), 0)} B/delivery`,
  );
}
// The machine's speed drifts between runs, so each run's three servers (measured back to back) are
// compared with each other: the ratio is taken per run, and its median and spread reported.
type Metric = (r: Result) => number;
const METRICS: [string, Metric][] = [
  ["CPU/delivery", (r) => r.saturation.cpu_us_per_delivery],
  ["deliveries/s", (r) => r.saturation.deliveries_per_s],
  ["p99 @20k", (r) => r.fixed.latency_ms.p99],
  ["RSS/conn", (r) => r.rss_per_connection_bytes],
];
const ratios: Record<string, Record<string, number[]>> = {};
console.log("\nratios, Dashwatch / baseline within each run: median [spread]");
// The baseline tree's own ratios too, so an A/B run shows both sides against the same raw `ws` runs.
const PAIRS = ([["dashwatch", "raw-ws"], ["dashwatch", "socketio"], ["dashwatch", "dashwatch-base"], ["dashwatch-base", "raw-ws"]] as const).filter(
  ([dw, base]) => TARGETS.includes(dw) && TARGETS.includes(base),
);
for (const clients of CLIENTS) {
  const runs = (t: ServerKind) => results.filter((r) => r.target === t && r.clients === clients);
  for (const [side, base] of PAIRS) {
    const dw = runs(side);
    const b = runs(base);
    const key = `N=${clients} ${side === "dashwatch" ? "" : `${side} `}vs ${base}`;
    ratios[key] = Object.fromEntries(METRICS.map(([name, f]) => [name, dw.map((r, i) => f(r) / f(b[i]!))]));
    const cells = Object.entries(ratios[key]).map(([name, v]) => `${name} ${fmt(median(v))}x [${spread(v)}]`);
    console.log(`${key.padEnd(34)}: ${cells.join(", ")}`);
  }
}
writeResult(CASE === "broadcast" ? "fanout" : `fanout-${CASE}`, { case: CASE, clients: CLIENTS, repeat: REPEAT, results, summary, ratios });
