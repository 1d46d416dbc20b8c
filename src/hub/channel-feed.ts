// One session's view of one channel: the last seq delivered per dashboard, and the one path every event
// takes to the socket, in seq order, once. Live entries that follow on are written at once; a hole (an
// entry beyond the next expected one) is filled from the log first; a duplicate is dropped. Work runs one
// item at a time, so a fill never races a live write; what arrives meanwhile waits in a bounded inbox, and
// past its bound only the newest entry per dashboard is kept: the log has the rest.
import type { Logger } from "pino";
import type { LogEntry } from "../protocol/event.js";
import type { Channel } from "../protocol/frames.js";
import { classify, type Verdict } from "./feed-order.js";
import type { LogReader } from "./log-reader.js";
import { encodeEventFrame } from "./wire.js";
import type { Writer } from "./writer.js";

export interface FeedOptions {
  channel: string;
  target: Channel;
  writer: Writer;
  reader: LogReader;
  pageSize: number;
  /** A log page stops before this many bytes of events: the connection's outbound budget (writer.ts). */
  pageBytes: number;
  /** Live entries held while the feed is busy; beyond, holes are read back from the log. */
  inboxLimit: number;
  /** A live hole or a catch-up longer than this many pages becomes a recoverable broker_outage gap. */
  maxCatchUpPages: number;
  /**
   * Persona channels: where to start on a dashboard first met live. Alerts committed from here on are
   * delivered; set a little before the subscription to absorb clock skew between nodes.
   */
  firstSightFrom: Date;
  logger: Logger;
  retryMs?: number;
}

interface Work {
  entry: LogEntry;
  frame: Buffer | null;
}

interface ReadPlan {
  /** Last seq to deliver; null means up to the head. */
  to: number | null;
  /** An event of this channel is known to exist at `to`: falling short of it means it was pruned. */
  exact: boolean;
  /** Give up after maxCatchUpPages with a recoverable gap; false for a resume, which the writer bounds. */
  bounded: boolean;
}

export class ChannelFeed {
  private readonly last = new Map<string, number>();
  private inbox: Work[] = [];
  /** Made only when the inbox overflows: most feeds never need it. */
  private overflow: Map<string, LogEntry> | undefined;
  private catchUpWanted = false;
  private busy = true; // held until the subscription has placed its positions
  private stalled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private isClosed = false;
  private readonly persona: string | undefined;

  constructor(private readonly options: FeedOptions) {
    this.persona = options.target.kind === "persona" ? options.target.id : undefined;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get channel(): string {
    return this.options.channel;
  }

  get pending(): number {
    return this.inbox.length + (this.overflow?.size ?? 0);
  }

  get target(): Channel {
    return this.options.target;
  }

  /**
   * The last seq delivered (or accounted for by a gap) per dashboard; none before the first. Read by the
   * reconciler to find feeds behind the log, and by the session for a dashboard channel's position.
   */
  get positions(): ReadonlyMap<string, number> {
    return this.last;
  }

  /** Persona channels: alerts from here on are owed to the client on a dashboard first met. */
  get firstSightFrom(): Date {
    return this.options.firstSightFrom;
  }

  setPosition(dashboardId: string, seq: number): void {
    this.last.set(dashboardId, seq);
  }

  /** Delivers the log after the current position; for the resume that opens a subscription. */
  replay(dashboardId: string, to: number | null): Promise<void> {
    return this.readForward(dashboardId, { to, exact: this.persona === undefined && to !== null, bounded: false });
  }

  /** Ends the hold placed at construction: what queued up meanwhile is merged in seq order. */
  release(): void {
    this.busy = false;
    this.schedule();
  }

  /** True when the frame went to the socket at once: the live path, which the caller times. */
  offer(entry: LogEntry, frame: Buffer): boolean {
    if (this.isClosed) return false;
    if (!this.busy && this.inbox.length === 0 && !this.overflow?.size && !this.catchUpWanted) {
      const verdict = this.classify(entry);
      if (verdict === "duplicate") return false;
      if (verdict === "next") return this.deliverLive(entry, frame);
    }
    if (this.inbox.length < this.options.inboxLimit) this.inbox.push({ entry, frame });
    else this.keepNewest(entry);
    this.schedule();
    return false;
  }

  /** After a broker outage: read every dashboard this feed has a position on up to its head. */
  requestCatchUp(): void {
    if (this.isClosed) return;
    this.catchUpWanted = true;
    this.schedule();
  }

  close(): void {
    this.isClosed = true;
    clearTimeout(this.retryTimer);
    this.inbox = [];
    this.overflow = undefined;
  }

  private schedule() {
    if (!this.busy && !this.stalled && !this.isClosed) void this.pump();
  }

  private async pump() {
    this.busy = true;
    try {
      while (!this.isClosed && !this.stalled) {
        const work = this.inbox.shift() ?? this.takeOverflow();
        if (work) await this.attempt(work.entry, () => this.handle(work));
        else if (this.catchUpWanted) {
          this.catchUpWanted = false;
          await this.catchUp();
        } else break;
      }
    } finally {
      this.busy = false;
    }
  }

  private async handle(work: Work) {
    const { entry } = work;
    const d = entry.event.dashboard_id;
    const known = this.classify(entry) === "unplaced" ? await this.placeFirstSight(entry) : undefined;
    if (this.classify(entry) === "hole") {
      const to = this.persona === undefined ? entry.event.seq - 1 : (entry.prev_seq ?? 0);
      await this.readForward(d, { to, exact: true, bounded: true }, known);
    }
    if (this.classify(entry) !== "duplicate") this.deliverLive(entry, work.frame);
  }

  private async catchUp() {
    for (const d of [...this.last.keys()]) {
      if (this.isClosed) return;
      await this.attempt(null, async () => {
        if (this.persona !== undefined) return this.readForward(d, { to: null, exact: false, bounded: true });
        const head = await this.options.reader.head(d);
        if (head !== null) await this.readForward(d, { to: head, exact: true, bounded: true });
      });
    }
  }

  /** A failed store read is retried later; the entry stays owed as the newest of its dashboard. */
  private async attempt(entry: LogEntry | null, run: () => Promise<void>) {
    try {
      await run();
    } catch (error) {
      this.options.logger.warn({ err: error, channel: this.options.channel }, "log read failed, retrying");
      if (entry) this.keepNewest(entry);
      else this.catchUpWanted = true;
      this.stalled = true;
      this.retryTimer = setTimeout(() => {
        this.stalled = false;
        this.schedule();
      }, this.options.retryMs ?? 1000);
    }
  }

  private classify(entry: LogEntry): Verdict {
    return classify(entry, this.last.get(entry.event.dashboard_id), this.persona !== undefined);
  }

  /** Places the feed on the dashboard; gives back the alerts the hole before `entry` holds, when first sight had them all. */
  private async placeFirstSight(entry: LogEntry): Promise<LogEntry[] | undefined> {
    const d = entry.event.dashboard_id;
    const { first, alerts } = await this.options.reader.firstSight(d, this.persona!, this.options.firstSightFrom, entry);
    if (this.last.has(d)) return undefined;
    this.last.set(d, first !== undefined ? first - 1 : (entry.prev_seq ?? 0));
    return alerts;
  }

  /** `known`: every entry of the range (last, to], already read; the reads start after them. */
  private async readForward(d: string, plan: ReadPlan, known?: LogEntry[]): Promise<void> {
    const { writer, pageSize, channel } = this.options;
    const { to, exact } = plan;
    let last = this.last.get(d) ?? 0;
    if (plan.bounded && this.persona === undefined && to !== null && to - last > this.options.maxCatchUpPages * pageSize) {
      return this.jump(d, last, to, "broker_outage");
    }
    let fresh = false;
    // Reading what cannot be written is wasted: while the connection is over its budget, the rest of the
    // range joins the slow-consumer gap instead, whether it is a live hole or a resume.
    const skipRest = (end: number) => {
      if (end > last) writer.skip(channel, d, last + 1, end);
      this.last.set(d, Math.max(last, end));
    };
    for (let pages = 0; !this.isClosed && (to === null || last < to); pages++) {
      if (writer.congested && to !== null) return skipRest(to);
      const page = known && to !== null ? { entries: known, head_seq: to } : await this.options.reader.read(d, { afterSeq: last, limit: pageSize, persona: this.persona, maxBytes: this.options.pageBytes }, fresh);
      known = undefined;
      if (this.isClosed) return;
      const end = to ?? page.head_seq;
      if (writer.congested) return skipRest(end);
      let cut = false;
      for (const entry of page.entries) {
        if (to !== null && entry.event.seq > to) break;
        if (writer.congested) {
          cut = true;
          break;
        }
        last = this.deliverFromLog(last, entry);
      }
      if (cut) return skipRest(end);
      // A page cut short by its byte bound is not the end of the range: only a page that reaches the end,
      // or an empty one, is (one more read than before for a persona channel's sparse alerts).
      const lastSeq = page.entries.at(-1)?.event.seq;
      if (page.entries.length === pageSize || (lastSeq !== undefined && lastSeq < end)) {
        if (plan.bounded && pages + 1 >= this.options.maxCatchUpPages && (to === null || last < to)) {
          return this.jump(d, last, end, "broker_outage");
        }
        continue;
      }
      // A shared read may predate the commit that `to` comes from: look again before calling it pruned.
      if (exact && to !== null && last < to && !fresh) {
        fresh = true;
        continue;
      }
      break;
    }
    if (exact && to !== null && last < to && !this.isClosed) return this.jump(d, last, to, "retention");
  }

  private jump(d: string, last: number, to: number, reason: "broker_outage" | "retention") {
    if (to > last) this.options.writer.gap(this.options.channel, d, last + 1, to, reason, reason !== "retention");
    this.last.set(d, Math.max(last, to));
  }

  /** Writes one entry read from the log, after a retention gap if the log no longer holds what precedes it. */
  private deliverFromLog(last: number, entry: LogEntry): number {
    const { seq, dashboard_id: d } = entry.event;
    if (seq <= last) return last;
    const missingTo = this.persona === undefined ? seq - 1 : (entry.prev_seq ?? 0);
    if (missingTo > last) this.options.writer.gap(this.options.channel, d, last + 1, missingTo, "retention", false);
    this.options.writer.event(this.options.channel, d, seq, encodeEventFrame(this.options.channel, entry, this.persona !== undefined));
    this.last.set(d, seq);
    return seq;
  }

  private deliverLive(entry: LogEntry, frame: Buffer | null): boolean {
    const written = this.options.writer.event(
      this.options.channel,
      entry.event.dashboard_id,
      entry.event.seq,
      frame ?? encodeEventFrame(this.options.channel, entry, this.persona !== undefined),
    );
    this.last.set(entry.event.dashboard_id, entry.event.seq);
    return written;
  }

  private keepNewest(entry: LogEntry) {
    const d = entry.event.dashboard_id;
    this.overflow ??= new Map();
    const kept = this.overflow.get(d);
    if (!kept || kept.event.seq < entry.event.seq) this.overflow.set(d, entry);
  }

  private takeOverflow(): Work | undefined {
    const overflow = this.overflow;
    if (!overflow) return undefined;
    for (const [d, entry] of overflow) {
      overflow.delete(d);
      return { entry, frame: null };
    }
    return undefined;
  }
}
