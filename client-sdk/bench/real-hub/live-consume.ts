// Live consumption: four publishers post small snapshots as fast as the hub takes them, one SDK client
// counts what reaches its listener. Every snapshot matches a persona rule, so each one is two events
// (snapshot.created, alert.matched). The rate is bound by ingest; the latency is POST sent → delivered.
import { createClient } from "../../src/index.js";
import { summarize } from "../../../bench/stats.js";
import { createDashboard, subscribeEverySnapshot } from "../../../test/sdk/helpers/hub-api.js";
import { sampleMemory, type MemoryReport } from "./memory-sampler.js";

export interface LiveResult {
  seconds: number;
  in_flight: number;
  snapshots: number;
  events: number;
  events_per_s: number;
  snapshots_per_s: number;
  latency_ms: ReturnType<typeof summarize>;
  memory: MemoryReport;
}

interface LiveOptions {
  url: string;
  admin: string;
  getToken: () => Promise<string>;
  seconds: number;
  inFlight: number;
}

const rows = (k: number) => Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, score: (i * 7 + k * 13) % 50 }));

export async function measureLive(o: LiveOptions): Promise<LiveResult> {
  const id = `live-${Date.now()}`;
  await createDashboard(o.url, o.admin, id, { rank_by: "score" });
  await subscribeEverySnapshot(o.url, o.admin, id, "bench-persona");
  const client = createClient({ url: o.url, getToken: o.getToken });
  const sentAt = new Map<number, number>();
  const arrivedAt = new Map<number, number>();
  let last = 0;
  let outOfOrder = 0;
  let wake: (() => void) | undefined;
  // since 0, not the SDK's head lookup: that lookup races the warm-up POST below and may start after it.
  client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } }).on("event", (event) => {
    if (event.seq !== last + 1) outOfOrder += 1;
    last = event.seq;
    arrivedAt.set(event.seq, performance.now());
    wake?.();
  });
  const reach = (seq: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the client stopped at seq ${last}, waiting for ${seq}`)), 60_000);
      wake = () => {
        if (last < seq) return;
        clearTimeout(timer);
        resolve();
      };
      wake();
    });

  let counter = 0;
  const post = async (): Promise<number> => {
    const k = counter++;
    const started = performance.now();
    const res = await fetch(`${o.url}/api/dashboard/${id}/snapshot`, {
      method: "POST",
      headers: { authorization: `Bearer ${o.admin}`, "content-type": "application/json" },
      body: JSON.stringify({ rows: rows(k), primary_metric: k + 1 }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { seq_range: { from: number; to: number } };
    if (res.status !== 201) throw new Error(`POST answered ${res.status}`);
    for (let seq = body.seq_range.from; seq <= body.seq_range.to; seq++) sentAt.set(seq, started);
    return body.seq_range.to;
  };

  // Warm-up: the first snapshot (the baseline) proves the subscription is live before the clock starts.
  await reach(await post());
  const firstMeasured = last + 1;
  const memory = sampleMemory();
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  let head = last;
  let snapshots = 0;
  await Promise.all(
    Array.from({ length: o.inFlight }, async () => {
      while (performance.now() < deadline) {
        head = Math.max(head, await post());
        snapshots += 1;
      }
    }),
  );
  await reach(head);
  const elapsed = (performance.now() - started) / 1000;
  const mem = memory.stop();
  client.close();
  if (outOfOrder > 0) throw new Error(`${outOfOrder} events out of order`);

  const latencies: number[] = [];
  for (let seq = firstMeasured; seq <= head; seq++) latencies.push(arrivedAt.get(seq)! - sentAt.get(seq)!);
  return {
    seconds: elapsed,
    in_flight: o.inFlight,
    snapshots,
    events: head - firstMeasured + 1,
    events_per_s: (head - firstMeasured + 1) / elapsed,
    snapshots_per_s: snapshots / elapsed,
    latency_ms: summarize(latencies),
    memory: mem,
  };
}
