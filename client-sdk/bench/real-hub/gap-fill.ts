// A 100 000-event gap filled by the SDK itself: a live client (positioned at seq 1) next hears of seq
// count+2, with seqs 2..count+1 committed but never published (as after a long broker outage). The hub
// turns the hole into a recoverable `gap` frame (it fills at most a few pages itself), and the SDK reads
// the range from the events endpoint, 1000 a page, before delivering the live event. Timed from the
// publish of count+2 until the listener has had it.
import { createDashboard, metric } from "../../../test/sdk/helpers/hub-api.js";
import { createClient } from "../../src/index.js";
import { sampleMemory, type MemoryReport } from "./memory-sampler.js";
import { moveHead, prefillLog } from "./prefill-log.js";
import { openRedisFeed } from "./redis-feed.js";

export interface GapFillResult {
  events: number;
  seconds: number;
  events_per_s: number;
  /** Gap frames the hub sent meanwhile, by reason. */
  gaps_sent: Record<string, number>;
  memory: MemoryReport;
}

interface GapFillOptions {
  url: string;
  databaseUrl: string;
  redisUrl: string;
  admin: string;
  getToken: () => Promise<string>;
  count: number;
}

const REASONS = ["broker_outage", "slow_consumer", "retention"] as const;

export async function measureGapFill(o: GapFillOptions): Promise<GapFillResult> {
  const id = `gap-${Date.now()}`;
  await createDashboard(o.url, o.admin, id);
  const at = new Date().toISOString();
  await prefillLog(o.databaseUrl, id, 1, { moveHead: false, at });
  const feed = await openRedisFeed(o.redisUrl, id, at);
  const client = createClient({ url: o.url, getToken: o.getToken });
  let last = 0;
  let outOfOrder = 0;
  let wake: (() => void) | undefined;
  const subscription = client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } });
  subscription.on("event", (event) => {
    if (event.seq !== last + 1) outOfOrder += 1;
    last = event.seq;
    wake?.();
  });
  const gapsSeen: unknown[] = [];
  subscription.on("gap", (gap) => gapsSeen.push(gap));
  await feed.knock(1, () => last >= 1);
  await moveHead(o.databaseUrl, id, 1);
  await prefillLog(o.databaseUrl, id, o.count, { at });
  const live = o.count + 2;
  await prefillLog(o.databaseUrl, id, 1, { at });

  const gapsBefore = await Promise.all(REASONS.map((reason) => metric(o.url, "dashwatch_ws_gaps_sent_total", { reason })));
  const memory = sampleMemory();
  const started = performance.now();
  await feed.publish(live, live);
  await new Promise<void>((resolve) => {
    wake = () => last >= live && resolve();
    wake();
  });
  const seconds = (performance.now() - started) / 1000;
  const mem = memory.stop();
  const gapsAfter = await Promise.all(REASONS.map((reason) => metric(o.url, "dashwatch_ws_gaps_sent_total", { reason })));
  client.close();
  await feed.close();
  if (outOfOrder > 0 || gapsSeen.length > 0) throw new Error(`${outOfOrder} events out of order, ${gapsSeen.length} gaps reached the app`);
  const gaps_sent = Object.fromEntries(REASONS.map((reason, i) => [reason, gapsAfter[i]! - gapsBefore[i]!]).filter(([, n]) => n !== 0));
  return { events: o.count + 1, seconds, events_per_s: (o.count + 1) / seconds, gaps_sent, memory: mem };
}
