import postgres from "postgres";
import { startBenchHub } from "./ingest-hub.js";
const admin = postgres("postgres://postgres@127.0.0.1:5432/test", { max: 1, onnotice: () => {} });
const db = `dw_idle_${process.pid}`; await admin.unsafe(`create database ${db}`);
const hub = await startBenchHub({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${db}`, redisUrl: "redis://127.0.0.1:6402", jwtSecret: "bench-secret-bench-secret-bench-secret!!", root: process.argv[2] });
await new Promise((r) => setTimeout(r, 3000));
const c0 = hub.cpuMicros(); await new Promise((r) => setTimeout(r, 10000));
console.log("idle CPU ms/s", ((hub.cpuMicros() - c0) / 1000 / 10).toFixed(1));
await hub.stop(); await admin.unsafe(`drop database ${db} with (force)`); await admin.end();
