// Dashwatch under test: one hub node on PostgreSQL (BENCH_DATABASE_URL) with the in-process broker, from
// the tree BENCH_HUB_ROOT (default this one). Plain JavaScript so that a tree's compiled build (what
// `npm start` runs) runs under plain node, without tsx's loader and source maps; a tree without a build
// (an old checkout) runs its source, and run.ts then adds tsx. Prints {"port": N} when listening.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = process.env.BENCH_HUB_ROOT ?? fileURLToPath(new URL("../..", import.meta.url));
const [dir, ext] = existsSync(join(root, "dist/server.js")) ? ["dist", "js"] : ["src", "ts"];
const load = (name) => import(pathToFileURL(join(root, dir, `${name}.${ext}`)).href);
const [{ loadConfig }, { startHub }] = await Promise.all([load("config"), load("server")]);

const hub = await startHub(
  loadConfig({
    PORT: "0",
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    JWT_SECRET: process.env.BENCH_JWT_SECRET,
    LOG_LEVEL: "error",
    RATE_LIMIT_PER_MIN: "0",
    WS_MAX_CONNECTIONS_PER_PERSONA: "20000",
    // The dashboard cases' 500 persona subscriptions have one owner, the bench admin.
    MAX_SUBSCRIPTIONS_PER_OWNER: "1000",
  }),
);
console.log(JSON.stringify({ port: Number(new URL(hub.url).port) }));
process.on("SIGTERM", () => void hub.close().then(() => process.exit(0)));
