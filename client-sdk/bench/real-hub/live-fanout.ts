// Live consumption without ingest in the way: the events are written to the log first (head left alone),
// then published on the hub's Redis topic exactly as the ingest path would after its commit, as fast as
// the client keeps up: at most `window` events published and not yet delivered. This is the rate one SDK
// client sustains on the live path (hub fan-out → socket → SDK → listener), which ingest cannot reach.
import { createDashboard, metric } from "../../../test/sdk/helpers/hub-api.js";
import { createClient } from "../../src/index.js";
import { sampleMemory, type MemoryReport } from "./memory-sampler.js";
import { moveHead, prefillLog } from "./prefill-log.js";
import { openRedisFeed } from "./redis-feed.js";

export interface FanoutResult {
  events: number;
  batch: number;
  window: number;
  seconds: number;
  events_per_s: number;
  /** Gaps the hub sent while this ran: 0 means every event went the live path. */
  gaps_sent: number;
  memory: MemoryReport;
}

interface FanoutOptions {
  url: string;
  databaseUrl: string;
  redisUrl: string;
  admin: string;
  getToken: () => Promise<string>;
  events: number;
  batch: number;
  window: number;
}

export async function measureLiveFanout(o: FanoutOptions): Promise<FanoutResult> {
  const id = `fanout-${Date.now()}`;
  await createDashboard(o.url, o.admin, id);
  const at = new Date().toISOString();
  await prefillLog(o.databaseUrl, id, o.events, { moveHead: false, at });
  const feed = await openRedisFeed(o.redisUrl, id, at);

  const client = createClient({ url: o.url, getToken: o.getToken });
  let delivered = 0;
  let outOfOrder = 0;
  let wake: (() => void) | undefined;
  client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } }).on("event", (event) => {
    if (event.seq !== delivered + 1) outOfOrder += 1;
    delivered = event.seq;
    wake?.();
  });
  const until = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      wake = () => check() && resolve();
      wake();
    });

  await feed.knock(1, () => delivered >= 1);
  await moveHead(o.databaseUrl, id, o.events);

  const gapsBefore = await metric(o.url, "dashwatch_ws_gaps_sent_total");
  const memory = sampleMemory();
  const started = performance.now();
  // Not awaited one by one: the Redis client pipelines, and the window is what bounds the work in flight.
  const sent: Promise<number>[] = [];
  for (let next = 2; next <= o.events; ) {
    await until(() => next - 1 - delivered < o.window);
    const to = Math.min(o.events, next + o.batch - 1);
    sent.push(feed.publish(next, to));
    next = to + 1;
  }
  await Promise.all(sent);
  await until(() => delivered >= o.events);
  const seconds = (performance.now() - started) / 1000;
  const mem = memory.stop();
  const gapsSent = (await metric(o.url, "dashwatch_ws_gaps_sent_total")) - gapsBefore;
  client.close();
  await feed.close();
  if (outOfOrder > 0) throw new Error(`${outOfOrder} events out of order`);
  return { events: o.events - 1, batch: o.batch, window: o.window, seconds, events_per_s: (o.events - 1) / seconds, gaps_sent: gapsSent, memory: mem };
}
