// Dashwatch under test: one hub node on PostgreSQL (BENCH_DATABASE_URL) with the in-process broker.
// Prints {"port": N} when listening.
import { loadConfig } from "../../src/config.js";
import { startHub } from "../../src/server.js";

const hub = await startHub(
  loadConfig({
    PORT: "0",
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    JWT_SECRET: process.env.BENCH_JWT_SECRET,
    LOG_LEVEL: "error",
    RATE_LIMIT_PER_MIN: "0",
    WS_MAX_CONNECTIONS_PER_PERSONA: "20000",
  }),
);
console.log(JSON.stringify({ port: Number(new URL(hub.url).port) }));
process.on("SIGTERM", () => void hub.close().then(() => process.exit(0)));
