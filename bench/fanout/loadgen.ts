// The load generator, a process apart from the server: N clients, then a fixed-rate phase (latency) and
// a saturation phase (throughput), reading the server's CPU and RSS from /proc. Prints one JSON line.
// env: TARGET, BASE_URL, TOKEN, SERVER_PID, CLIENTS, RATE (deliveries/s), PHASE_MS, BENCH_CASE
import { setTimeout as sleep } from "node:timers/promises";
import { summarize } from "../stats.js";
import { cpuMicros, rssBytes } from "./proc-stats.js";
import type { BenchCase } from "./cases.js";
import { createTarget, now, type OnMessage, type TargetKind } from "./targets.js";

const kind = process.env.TARGET as TargetKind;
const pid = Number(process.env.SERVER_PID);
const clients = Number(process.env.CLIENTS ?? 1000);
const rate = Number(process.env.RATE ?? 20_000);
const phaseMs = Number(process.env.PHASE_MS ?? 5000);
const target = createTarget(kind, process.env.BASE_URL!, process.env.TOKEN ?? "", (process.env.BENCH_CASE ?? "broadcast") as BenchCase);

let received = 0;
let receivedBytes = 0;
/** Deliveries of the warm-up's seqs are not the phases': a persona feed replays them at first sight. */
let warmUpThrough = 0;
let lastReceivedAt = 0;
let latencies: number[] | null = null;
/** [seq, arrival] of deliveries whose send time is known only once the POST has answered. */
let bySeq: number[] = [];
const onMessage: OnMessage = (sentAt, seq, bytes) => {
  if (seq !== null && seq <= warmUpThrough) return;
  received++;
  receivedBytes += bytes;
  const at = now();
  lastReceivedAt = at;
  if (!latencies) return;
  if (sentAt !== null) latencies.push(at - sentAt);
  else if (seq !== null) bySeq.push(seq, at);
};

async function drain(expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (received < expected && Date.now() < deadline) await sleep(20);
}

// Warm the path (and give Dashwatch its baseline snapshot) before anyone listens.
for (let i = 0; i < 3; i++) await target.publish(now(), i);
warmUpThrough = target.lastSeq();

const rssBefore = rssBytes(pid);
const sockets: { close(): void }[] = [];
for (let i = 0; i < clients; i += 100) {
  sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, clients - i) }, (_, j) => target.connect(onMessage, i + j)))));
}
await sleep(1500);
const rssPerConnection = (rssBytes(pid) - rssBefore) / clients;

// Fixed rate: `rate` deliveries/s in all, so rate / clients publishes a second.
const publishes = Math.max(1, Math.round(((rate / clients) * phaseMs) / 1000));
const interval = phaseMs / publishes;
latencies = [];
received = 0;
receivedBytes = 0;
let cpu0 = cpuMicros(pid);
const start = now();
for (let i = 0; i < publishes; i++) {
  const due = start + i * interval;
  const wait = due - now();
  if (wait > 0) await sleep(wait);
  void target.publish(now(), i);
}
// Long enough for a server behind the offered rate to finish: the saturation phase must not count the
// fixed phase's deliveries, nor the CPU they take.
await drain(publishes * clients, 60_000);
for (let i = 0; i < bySeq.length; i += 2) {
  const sentAt = target.sentAtOf(bySeq[i]!);
  if (sentAt !== undefined) latencies.push(bySeq[i + 1]! - sentAt);
}
bySeq = [];
const fixed = { publishes, deliveries: received, bytes_per_delivery: receivedBytes / Math.max(1, received), expected: publishes * clients, cpu_us_per_delivery: (cpuMicros(pid) - cpu0) / Math.max(1, received), latency_ms: summarize(latencies) };
latencies = null;

// Saturation: publish back to back, 4 in flight, for phaseMs.
received = 0;
cpu0 = cpuMicros(pid);
const satStart = now();
let sent = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (now() - satStart < phaseMs) await target.publish(now(), sent++);
  }),
);
await drain(sent * clients, 60_000);
const elapsedS = (lastReceivedAt - satStart) / 1000;
const saturation = { publishes: sent, deliveries: received, expected: sent * clients, deliveries_per_s: received / elapsedS, cpu_us_per_delivery: (cpuMicros(pid) - cpu0) / Math.max(1, received) };

for (const s of sockets) s.close();
console.log(JSON.stringify({ target: kind, clients, rss_per_connection_bytes: rssPerConnection, fixed, saturation }));
process.exit(0);
