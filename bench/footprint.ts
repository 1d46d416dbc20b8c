// The embedded hub's footprint: start time to /health 200 (cold and warm data dir), RSS idle, RSS after
// a demo-sized load and after N snapshots of R rows. The hub is a child process; RSS is its VmRSS.
//   npx tsx bench/footprint.ts [--source] [--snapshots 1000] [--rows 1000] [--settle-ms 3000]
//   --node-flag F passes F to node (repeatable). --source runs `node --import tsx src/main.ts` (the tree before a build); default `node dist/main.js`.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mintToken } from "../src/http/token.js";
import { rssBytes } from "./fanout/proc-stats.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MB = 1024 * 1024;

interface Running {
  child: ChildProcess;
  url: string;
  startMs: number;
  stop(): Promise<void>;
}

async function startHub(dataDir: string, source: boolean, nodeFlags: string[]): Promise<Running> {
  const args = [...nodeFlags, ...(source ? ["--import", "tsx", "src/main.ts"] : ["dist/main.js"])];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", DATA_DIR: dataDir, RATE_LIMIT_PER_MIN: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // LOG_LEVEL=warn hides the "listening" line, so the URL comes from the console banner.
  let url = "";
  while (!url) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}:\n${output}`);
    if (performance.now() - t0 > 300_000) throw new Error(`hub did not start:\n${output}`);
    url = /console: (http:\/\/\S+?)\/\s/.exec(output)?.[1] ?? "";
    if (!url) await sleep(20);
  }
  for (;;) {
    const res = await fetch(`${url}/health`).catch(() => undefined);
    if (res?.status === 200) break;
    await sleep(20);
  }
  const startMs = performance.now() - t0;
  return {
    child,
    url,
    startMs,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function board(rows: number, k: number): { id: string; name: string; score: number }[] {
  // A leaderboard whose scores drift: every snapshot differs from the last, as a live dashboard's would.
  return Array.from({ length: rows }, (_, i) => ({ id: `r${i}`, name: `row ${i}`, score: ((i * 7919 + k * 104729) % 100_000) / 10 }));
}

async function post(url: string, token: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(url + path, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status >= 300 && res.status !== 409) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

async function ingest(url: string, token: string, dashboard: string, snapshots: number, rows: number): Promise<void> {
  await post(url, token, "/api/dashboard", { id: dashboard, name: dashboard, rank_by: "score", top_n: 10, primary_metric_field: "score" });
  for (let k = 0; k < snapshots; k++) await post(url, token, `/api/dashboard/${dashboard}/snapshot`, { rows: board(rows, k) });
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      source: { type: "boolean", default: false },
      // To compare V8 settings, e.g. --node-flag=--liftoff-only
      "node-flag": { type: "string", multiple: true, default: [] },
      snapshots: { type: "string", default: "1000" },
      rows: { type: "string", default: "1000" },
      "settle-ms": { type: "string", default: "3000" },
    },
  });
  const settleMs = Number(values["settle-ms"]);
  const dataDir = mkdtempSync(join(tmpdir(), "dashwatch-footprint-"));
  const figures: Record<string, string> = {};
  try {
    const cold = await startHub(dataDir, values.source, values["node-flag"]);
    figures["start, empty data dir"] = `${cold.startMs.toFixed(0)} ms`;
    await sleep(settleMs);
    figures["RSS idle, empty data dir"] = mb(rssBytes(cold.child.pid!));
    const token = await mintToken(readFileSync(join(dataDir, "jwt-secret"), "utf8").trim(), { sub: "footprint", roles: ["admin"], expiresIn: "1h" });
    // The demo's shape: one dashboard of 10 rows, 100 snapshots.
    await ingest(cold.url, token, "demo-sized", 100, 10);
    await sleep(settleMs);
    figures["RSS after 100 snapshots of 10 rows (demo)"] = mb(rssBytes(cold.child.pid!));
    const t0 = performance.now();
    await ingest(cold.url, token, "loaded", Number(values.snapshots), Number(values.rows));
    figures[`ingest ${values.snapshots} x ${values.rows} rows`] = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    await sleep(settleMs);
    figures[`RSS after ${values.snapshots} snapshots of ${values.rows} rows`] = mb(rssBytes(cold.child.pid!));
    await cold.stop();
    const warm = await startHub(dataDir, values.source, values["node-flag"]);
    figures["start, warm data dir"] = `${warm.startMs.toFixed(0)} ms`;
    await sleep(settleMs);
    figures["RSS idle, warm data dir"] = mb(rssBytes(warm.child.pid!));
    await warm.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(44)} ${value}`);
}

await main();
