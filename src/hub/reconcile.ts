// A node that dies between commit and broker publish leaves every other node's sessions short of that range
// until the dashboard's next event (for a persona channel, possibly days). So every node checks, every
// `intervalMs`, the log heads of what its sessions follow (one query) against each feed's position. A feed
// still behind `graceMs` later (a live message may simply be in flight) is caught up from the log: a placed
// dashboard through the feed's own catch-up; a persona alert on a dashboard the feed has not met yet is
// offered as if it had come live, so the feed places it and fills what precedes it.
import type { Logger } from "pino";
import type { Store } from "../store/store.js";
import type { ChannelFeed } from "./channel-feed.js";
import { encodeEventFrame } from "./wire.js";

export interface ReconcilerOptions {
  store: Pick<Store, "followedHeads" | "readEvents">;
  feeds: () => Iterable<ChannelFeed>;
  logger: Logger;
  /** Default 5000. */
  intervalMs?: number;
  /** Default 1000. */
  graceMs?: number;
}

export interface Reconciler {
  /** One check; resolves after the grace with how many feeds it caught up. */
  runOnce(): Promise<number>;
  stop(): void;
}

interface Lag {
  feed: ChannelFeed;
  dashboardId: string;
  seq: number;
  /** A persona alert on a dashboard the feed has no position on. */
  unplaced: boolean;
}

export function startReconciler(options: ReconcilerOptions): Reconciler {
  const intervalMs = options.intervalMs ?? 5000;
  const graceMs = options.graceMs ?? 1000;
  let stopped = false;
  let running: Promise<number> | null = null;

  async function findLags(): Promise<Lag[]> {
    const feeds = [...options.feeds()].filter((f) => !f.closed);
    const dashboards = new Set<string>();
    const personas = new Set<string>();
    for (const f of feeds) (f.target.kind === "dashboard" ? dashboards : personas).add(f.target.id);
    if (dashboards.size === 0 && personas.size === 0) return [];
    const heads = await options.store.followedHeads([...dashboards], [...personas]);
    const lags: Lag[] = [];
    for (const feed of feeds) {
      if (feed.target.kind === "dashboard") {
        const d = feed.target.id;
        const head = heads.dashboards.get(d);
        const at = feed.positions.get(d);
        // No position yet: the subscription is still opening, and its replay reads to the head.
        if (head !== undefined && at !== undefined && at < head) lags.push({ feed, dashboardId: d, seq: head, unplaced: false });
        continue;
      }
      for (const [d, alert] of heads.personas.get(feed.target.id) ?? []) {
        const at = feed.positions.get(d);
        if (at === undefined ? alert.at >= feed.firstSightFrom : at < alert.seq) lags.push({ feed, dashboardId: d, seq: alert.seq, unplaced: at === undefined });
      }
    }
    return lags;
  }

  async function repair(lags: Lag[]): Promise<number> {
    const caughtUp = new Set<ChannelFeed>();
    for (const lag of lags) {
      const { feed, dashboardId: d } = lag;
      const at = feed.positions.get(d);
      if (feed.closed || (at !== undefined && at >= lag.seq)) continue;
      if (at !== undefined) {
        if (!caughtUp.has(feed)) feed.requestCatchUp();
      } else {
        const persona = feed.target.id;
        const page = await options.store.readEvents(d, { afterSeq: lag.seq - 1, limit: 1, persona });
        const entry = page.entries[0];
        if (!entry || feed.closed || feed.positions.has(d)) continue;
        feed.offer(entry, encodeEventFrame(feed.channel, entry, true));
      }
      caughtUp.add(feed);
    }
    if (caughtUp.size > 0) {
      options.logger.warn({ feeds: caughtUp.size, dashboards: [...new Set(lags.map((l) => l.dashboardId))].slice(0, 20) }, "feeds were behind the log (an unpublished commit?): caught up");
    }
    return caughtUp.size;
  }

  async function check(): Promise<number> {
    const lags = await findLags();
    if (lags.length === 0) return 0;
    await new Promise((r) => setTimeout(r, graceMs).unref());
    return stopped ? 0 : repair(lags);
  }

  const runOnce = () => (running ??= check().finally(() => (running = null)));

  const timer = setInterval(() => {
    if (running) return;
    runOnce().catch((err: unknown) => options.logger.warn({ err }, "reconcile check failed; trying again next interval"));
  }, intervalMs);
  timer.unref();

  return {
    runOnce,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
