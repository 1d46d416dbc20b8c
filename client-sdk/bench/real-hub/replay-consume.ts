// Replay: a client subscribes with since 0 to a dashboard whose log already holds `count` events and is
// timed until its listener has had every one, in order. The hub starts the replay on the socket, goes over
// its outbound budget, and hands the rest over as a slow_consumer gap that the SDK reads over HTTP.
import { createClient } from "../../src/index.js";
import { sampleMemory, type MemoryReport } from "./memory-sampler.js";

export interface ReplayResult {
  events: number;
  seconds: number;
  events_per_s: number;
  first_event_ms: number;
  memory: MemoryReport;
}

export async function measureReplay(o: { url: string; getToken: () => Promise<string>; dashboardId: string; count: number }): Promise<ReplayResult> {
  const memory = sampleMemory();
  const started = performance.now();
  let firstAt = 0;
  let last = 0;
  const client = createClient({ url: o.url, getToken: o.getToken });
  let outOfOrder = 0;
  await new Promise<void>((resolve) => {
    client.subscribe(`dashboard:${o.dashboardId}`, { since: { [o.dashboardId]: 0 } }).on("event", (event) => {
      if (event.seq !== last + 1) outOfOrder += 1;
      if (last === 0) firstAt = performance.now();
      last = event.seq;
      if (last === o.count) resolve();
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const mem = memory.stop();
  client.close();
  if (outOfOrder > 0) throw new Error(`${outOfOrder} events out of order`);
  return { events: o.count, seconds, events_per_s: o.count / seconds, first_event_ms: firstAt - started, memory: mem };
}
