// One connection's outbound side. Frames arrive already framed for the wire (wire.ts) and are written
// straight to the upgraded TCP socket; ws still owns the handshake, reading, pings and the close. That
// is safe because ws writes synchronously whenever compression is off (raw-socket.ts refuses to build
// a server with it) and no Blob is sent (the hub sends none), so the order of bytes on the socket is the
// order of calls. Writes are coalesced per loop turn
// (coalesce.ts): the turn's first frame waits here, not in the stream, so a frame the writer holds goes out
// after anything ws writes meanwhile (a ping: control frames may come between messages), and it is sent
// before a close the session starts (endOfTurn). Backpressure is the socket's own backlog, so the hub holds no queue of its own: past
// the budget, event frames are not written but remembered as a dropped range per (channel, dashboard),
// and once the socket has drained to half the budget the client gets one
// `gap {reason: "slow_consumer", recoverable: true}` per range to replay from the log. Memory per
// connection stays under about twice the budget, plus one loop turn's frames, whatever the client does.
import type { GapReason, ServerFrame } from "../protocol/frames.js";
import type { Coalescer, Corkable, Deferred } from "./coalesce.js";
import { encodeFrame } from "./wire.js";

const OPEN = 1;

/** The ws connection: only its state is read here. */
export interface WriterSocket {
  readonly readyState: number;
}

/** The TCP socket the connection was upgraded from. */
export interface WriterStream extends Corkable {
  readonly writableLength: number;
  write(frame: Buffer, cb?: (error?: Error | null) => void): boolean;
}

/**
 * What every connection of a hub shares, made once: an idle connection then holds no closures of its
 * own, which is most of what a connection would otherwise cost in memory.
 */
export interface WriterSettings {
  budgetBytes: number;
  slowCloseMs: number;
  /** Gathers each socket's writes of one loop turn. */
  coalescer: Coalescer;
  onEventWritten(): void;
  onEventDropped(): void;
  onGap(reason: GapReason): void;
}

export interface WriterOwner {
  /** Over budget for slowCloseMs, or replies piling up unread: the connection must go (4408). */
  slowConsumer(): void;
}

interface Dropped {
  channel: string;
  dashboardId: string;
  from: number;
  to: number;
}

export class Writer implements Deferred {
  private dropped: Map<string, Dropped> | undefined;
  private isCongested = false;
  private slowTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  // Bytes written in the current loop turn (held, or corked in the stream) wait for the coalescer's flush;
  // they are not a sign of a slow client. The backlog is what is still waiting from earlier turns.
  private turn = -1;
  private turnBytes = 0;
  /** The turn's first frame, not yet in the stream; written at the end of the turn, or corked with a second. */
  private held: Buffer | undefined;
  private drainCallback: (() => void) | undefined;

  constructor(
    private readonly socket: WriterSocket,
    private readonly stream: WriterStream,
    private readonly owner: WriterOwner,
    private readonly settings: WriterSettings,
  ) {}

  get congested(): boolean {
    return this.isCongested;
  }

  /** Bytes held for this connection: by the writer, corked, or refused by the kernel. */
  get bufferedBytes(): number {
    return this.stream.writableLength + (this.held?.length ?? 0);
  }

  /** Writes an event frame, or adds it to its range's gap when over budget. True when written. */
  event(channel: string, dashboardId: string, seq: number, frame: Buffer): boolean {
    if (!this.open()) return false;
    // A frame larger than the whole budget still goes out alone on an idle socket.
    const waiting = this.backlog();
    if (!this.isCongested && waiting > 0 && waiting + this.thisTurn() + frame.length > this.settings.budgetBytes) this.congest();
    if (this.isCongested) {
      this.addDropped(channel, dashboardId, seq, seq);
      this.settings.onEventDropped();
      return false;
    }
    this.write(frame);
    this.settings.onEventWritten();
    return true;
  }

  /** A range the caller chose not to read while over budget: it joins the slow-consumer gap. */
  skip(channel: string, dashboardId: string, fromSeq: number, toSeq: number): void {
    if (fromSeq > toSeq || !this.open()) return;
    if (this.isCongested) this.addDropped(channel, dashboardId, fromSeq, toSeq);
    else this.sendGap(channel, dashboardId, fromSeq, toSeq, "slow_consumer", true);
  }

  gap(channel: string, dashboardId: string, fromSeq: number, toSeq: number, reason: GapReason, recoverable: boolean): void {
    if (fromSeq > toSeq || !this.open()) return;
    // While congested a recoverable range merges into the slow-consumer gap, which keeps gaps in seq order.
    if (this.isCongested && recoverable) this.addDropped(channel, dashboardId, fromSeq, toSeq);
    else this.sendGap(channel, dashboardId, fromSeq, toSeq, reason, recoverable);
  }

  /** Replies (welcome, subscribed, pong, error) are never dropped; only their total is capped. */
  control(frame: ServerFrame): void {
    if (!this.open()) return;
    const bytes = encodeFrame(frame);
    if (this.backlog() + bytes.length > 2 * this.settings.budgetBytes) {
      this.owner.slowConsumer();
      return;
    }
    this.write(bytes);
  }

  /** The coalescer's call once the turn ends: the held frame goes out alone, in one plain write. */
  endOfTurn(): void {
    const frame = this.held;
    this.held = undefined;
    if (frame && this.open()) this.put(frame, this.stream.writableLength);
  }

  dispose(): void {
    this.disposed = true;
    this.held = undefined;
    clearInterval(this.slowTimer);
    this.dropped = undefined;
  }

  private open(): boolean {
    return !this.disposed && this.socket.readyState === OPEN;
  }

  private thisTurn(): number {
    return this.turn === this.settings.coalescer.turn ? this.turnBytes : 0;
  }

  /** What earlier turns left in the stream: this turn's bytes there are corked, the held frame is not there. */
  private backlog(): number {
    return this.stream.writableLength - (this.thisTurn() - (this.held?.length ?? 0));
  }

  // The stream calls back once a frame has reached the kernel, so the last pending callback of a
  // congested connection comes when the buffer has drained. Only writes onto a backlog carry one: a
  // healthy connection never has a backlog past a loop turn, and the congestion timer is the backstop
  // for a backlog that built up without callbacks.
  private write(frame: Buffer): void {
    const { coalescer } = this.settings;
    if (this.turn !== coalescer.turn) {
      this.turn = coalescer.turn;
      this.turnBytes = 0;
    }
    if (this.turnBytes === 0) {
      this.turnBytes = frame.length;
      this.held = frame;
      coalescer.defer(this);
      return;
    }
    // A second frame this turn: both go into the corked stream, to leave together in one writev.
    const earlier = this.backlog();
    coalescer.hold(this.stream);
    const first = this.held;
    this.held = undefined;
    if (first) this.put(first, earlier);
    this.turnBytes += frame.length;
    this.put(frame, earlier);
  }

  private put(frame: Buffer, backlog: number): void {
    if (backlog > this.settings.budgetBytes / 4) this.stream.write(frame, (this.drainCallback ??= () => this.drained()));
    else this.stream.write(frame);
  }

  private drained(): void {
    if (this.isCongested && this.open() && this.backlog() <= this.settings.budgetBytes / 2) this.relieve();
  }

  private congest(): void {
    this.isCongested = true;
    const since = Date.now();
    // Write callbacks are the drain signal; this timer is the backstop (the last write may have gone
    // out without a callback, or been a ping) and the clock for 4408. It runs only while congested.
    this.slowTimer = setInterval(
      () => {
        if (!this.isCongested || this.disposed) return;
        if (this.backlog() <= this.settings.budgetBytes / 2) this.relieve();
        else if (Date.now() - since >= this.settings.slowCloseMs) this.owner.slowConsumer();
      },
      Math.max(10, Math.min(100, Math.floor(this.settings.slowCloseMs / 4))),
    );
  }

  private relieve(): void {
    this.isCongested = false;
    clearInterval(this.slowTimer);
    // The gaps go out before anything newer on their channels: the next event follows the range.
    const dropped = this.dropped;
    this.dropped = undefined;
    for (const d of dropped?.values() ?? []) this.sendGap(d.channel, d.dashboardId, d.from, d.to, "slow_consumer", true);
  }

  private sendGap(channel: string, dashboardId: string, from: number, to: number, reason: GapReason, recoverable: boolean): void {
    this.settings.onGap(reason);
    this.write(encodeFrame({ type: "gap", channel, dashboard_id: dashboardId, from_seq: from, to_seq: to, reason, recoverable }));
  }

  private addDropped(channel: string, dashboardId: string, from: number, to: number): void {
    const key = `${channel}\u0000${dashboardId}`;
    this.dropped ??= new Map();
    const d = this.dropped.get(key);
    if (d) {
      d.from = Math.min(d.from, from);
      d.to = Math.max(d.to, to);
    } else {
      this.dropped.set(key, { channel, dashboardId, from, to });
    }
  }
}
