// What a replay costs the hub in memory when its client stops reading: a log of REPLAY_EVENTS events of
// REPLAY_EVENT_BYTES each, one client that subscribes with since 0 and reads nothing. Reports the peak
// growth of the hub process's heap and buffers over the idle baseline: sampled every 5 ms, each sample
// after a full GC with REPLAY_GC=1 (so it counts what is held, not garbage; the GCs slow the hub down).
// Run: node --expose-gc --import tsx bench/replay-memory.ts (needs TEST_DATABASE_URL's PostgreSQL).
import { commitBigEvent, createDashboard, createTestStore, startHarness } from "../test/hub/helpers/hub-harness.js";

const EVENTS = Number(process.env.REPLAY_EVENTS ?? 400);
const EVENT_BYTES = Number(process.env.REPLAY_EVENT_BYTES ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const used = () => {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
};
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

const testStore = await createTestStore();
const store = testStore.store;
await createDashboard(store, "big");
for (let i = 0; i < EVENTS; i++) await commitBigEvent(store, "big", EVENT_BYTES);
const h = await startHarness({ store, config: { wsSlowCloseMs: 60_000 } });
const c = await h.client("reader");

gc();
const base = used();
const peak = { ...base };
const sampler = setInterval(() => {
  if (process.env.REPLAY_GC === "1") gc();
  const now = used();
  for (const k of ["heap", "buffers", "rss"] as const) peak[k] = Math.max(peak[k], now[k]);
}, 5);
c.ws.pause();
c.send({ op: "subscribe", channel: "dashboard:big", since: { big: 0 } });
await new Promise((r) => setTimeout(r, 3000));
clearInterval(sampler);
const stats = h.hub.stats();
console.log(
  JSON.stringify({
    events: EVENTS,
    event_bytes: EVENT_BYTES,
    log_mb: +((EVENTS * EVENT_BYTES) / 1048576).toFixed(1),
    peak_heap_growth: mb(peak.heap - base.heap),
    peak_buffer_growth: mb(peak.buffers - base.buffers),
    peak_rss_growth: mb(peak.rss - base.rss),
    gc_per_sample: process.env.REPLAY_GC === "1",
    queued_bytes_after: stats.queuedBytes,
    connections_after: stats.connections,
  }),
);
c.ws.terminate();
await h.close();
await testStore.close();
