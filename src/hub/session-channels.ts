// The channels one session holds: a feed per channel name, opened through recovery.ts (replay, then live)
// and left in one place, drop(), which also takes the feed out of the channel index.
import type { Channel } from "../protocol/frames.js";
import { ChannelFeed } from "./channel-feed.js";
import { openChannel, type OpenResult } from "./recovery.js";
import type { SessionContext } from "./session.js";
import type { Writer } from "./writer.js";

export class SessionChannels {
  private readonly feeds = new Map<string, ChannelFeed>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly writer: Writer,
  ) {}

  get size(): number {
    return this.feeds.size;
  }

  get pendingEntries(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.pending;
    return n;
  }

  has(name: string): boolean {
    return this.feeds.has(name);
  }

  names(): string[] {
    return [...this.feeds.keys()];
  }

  /** The last seq delivered on `dashboard:<id>`; undefined when the session does not hold it (yet). */
  dashboardPosition(dashboardId: string): { held: boolean; delivered: number | undefined } {
    const feed = this.feeds.get(`dashboard:${dashboardId}`);
    return { held: feed !== undefined, delivered: feed?.positions.get(dashboardId) };
  }

  /** Throws only when the store fails; the caller then closes the session. */
  async open(name: string, channel: Channel, since: Record<string, number> | undefined): Promise<OpenResult> {
    const { config, reader, index, logger, metrics, feed: tuning } = this.ctx;
    const feed = new ChannelFeed({
      channel: name,
      target: channel,
      writer: this.writer,
      reader,
      pageSize: config.replayPageSize,
      pageBytes: config.wsOutboundBudgetBytes,
      inboxLimit: tuning.inboxLimit,
      maxCatchUpPages: tuning.maxCatchUpPages,
      firstSightFrom: new Date(Date.now() - tuning.firstSightSkewMs),
      logger,
    });
    this.feeds.set(name, feed);
    metrics.subscriptions.inc();
    const result = await openChannel({ store: this.ctx.store, reader, index, writer: this.writer }, { channel, name, feed, since });
    if (!result.ok) this.drop(name);
    return result;
  }

  drop(name: string): void {
    const feed = this.feeds.get(name);
    if (!feed) return;
    this.feeds.delete(name);
    feed.close();
    this.ctx.index.leave(feed.target, feed);
    this.ctx.metrics.subscriptions.dec();
  }

  /** Shutdown: stop feeding, keep the subscriptions until the session is disposed. */
  stopAll(): void {
    for (const feed of this.feeds.values()) feed.close();
  }

  dropAll(): void {
    for (const name of this.names()) this.drop(name);
  }
}
