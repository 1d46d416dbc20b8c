// Hub nodes under test for the ingest bench: each a real hub process (`dist/main.js`, or `src/main.ts` in a
// tree without a build) on PostgreSQL and Redis,
// so its CPU (read from /proc) is the hub's alone; the load generator is the bench process.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuMicros } from "./fanout/proc-stats.js";
import { hubNodeArgs } from "./stats.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface BenchHub {
  url: string;
  cpuMicros(): number;
  stop(): Promise<void>;
}

export interface HubOptions {
  databaseUrl: string;
  redisUrl: string;
  jwtSecret: string;
  /** Source tree to run (default this one): an A/B run points one side at a checkout of the baseline. */
  root?: string;
  /** Writes a V8 CPU profile of the hub here when it stops. */
  cpuProfDir?: string;
}

export async function startBenchHub(o: HubOptions): Promise<BenchHub> {
  const root = o.root ?? ROOT;
  // The compiled build is what `npm start` runs; a tree without one (an old checkout) runs its source.
  const entry = existsSync(join(root, "dist/main.js")) ? ["dist/main.js"] : ["--import", "tsx", "src/main.ts"];
  const args = [...hubNodeArgs(), ...(o.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${o.cpuProfDir}`] : []), ...entry];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: o.databaseUrl,
      REDIS_URL: o.redisUrl,
      JWT_SECRET: o.jwtSecret,
      RATE_LIMIT_PER_MIN: "0",
      // The 1 000-subscription shape has one owner (the bench admin).
      MAX_SUBSCRIPTIONS_PER_OWNER: "1000",
      LOG_LEVEL: "info",
      // A knob for the bench's own questions (e.g. what a cache miss on every ingest costs).
      ...(process.env.SNAPSHOT_CACHE_BYTES ? { SNAPSHOT_CACHE_BYTES: process.env.SNAPSHOT_CACHE_BYTES } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    cpuMicros: () => cpuMicros(child.pid!),
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
