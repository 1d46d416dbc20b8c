// One connection's outbound side. Frames arrive already framed for the wire (wire.ts) and are written
// straight to the upgraded TCP socket; ws still owns the handshake, reading, pings and the close. That
// is safe because ws writes synchronously whenever compression is off and no Blob is sent (both hold
// here), so the order of bytes on the socket is the order of calls. Backpressure is measured with the
// socket's writableLength, so the hub holds no queue of its own: past the budget, event frames are not
// written but remembered as a dropped range per (channel, dashboard), and once the socket has drained to half the budget the client gets one
// `gap {reason: "slow_consumer", recoverable: true}` per range to replay from the log. Memory per
// connection stays under about twice the budget whatever the client does.
import type { GapReason, ServerFrame } from "../protocol/frames.js";
import { encodeFrame } from "./wire.js";

const OPEN = 1;

/** The ws connection: only its state is read here. */
export interface WriterSocket {
  readonly readyState: number;
}

/** The TCP socket the connection was upgraded from. */
export interface WriterStream {
  readonly writableLength: number;
  write(frame: Buffer, cb?: (error?: Error | null) => void): boolean;
}

export interface WriterOptions {
  socket: WriterSocket;
  stream: WriterStream;
  budgetBytes: number;
  slowCloseMs: number;
  /** Over budget for slowCloseMs, or replies piling up unread: the connection must go (4408). */
  onSlow: () => void;
  onEventWritten?: () => void;
  onEventDropped?: () => void;
  onGap?: (reason: GapReason) => void;
  now?: () => number;
}

export interface Writer {
  /** Writes an event frame, or adds it to its range's gap when over budget. True when written. */
  event(channel: string, dashboardId: string, seq: number, frame: Buffer): boolean;
  /** A range the caller chose not to read while over budget: it joins the slow-consumer gap. */
  skip(channel: string, dashboardId: string, fromSeq: number, toSeq: number): void;
  gap(channel: string, dashboardId: string, fromSeq: number, toSeq: number, reason: GapReason, recoverable: boolean): void;
  /** Replies (welcome, subscribed, pong, error) are never dropped; only their total is capped. */
  control(frame: ServerFrame): void;
  readonly congested: boolean;
  readonly bufferedBytes: number;
  dispose(): void;
}

interface Dropped {
  channel: string;
  dashboardId: string;
  from: number;
  to: number;
}

export function createWriter(o: WriterOptions): Writer {
  const { socket, stream, budgetBytes } = o;
  const now = o.now ?? Date.now;
  const dropped = new Map<string, Dropped>();
  let congested = false;
  let slowTimer: NodeJS.Timeout | undefined;
  let disposed = false;

  const open = () => !disposed && socket.readyState === OPEN;

  // The stream calls back once a frame has reached the kernel, so the last pending callback of a congested
  // connection always comes, and finds the buffer drained. A write onto an empty buffer needs none:
  // congestion starts only with bytes already waiting, and those writes carry the callback. Skipping
  // it on the common path saves a closure call and a nextTick per frame.
  function write(frame: Buffer) {
    if (stream.writableLength > 0) stream.write(frame, afterWrite);
    else stream.write(frame);
  }

  function afterWrite() {
    if (congested && open() && stream.writableLength <= budgetBytes / 2) relieve();
  }

  function congest() {
    congested = true;
    const since = now();
    // Write callbacks are the drain signal; this timer is the backstop (the last write may have gone
    // out without a callback, or been a ping) and the clock for 4408. It runs only while congested.
    slowTimer = setInterval(() => {
      if (!congested || disposed) return;
      if (stream.writableLength <= budgetBytes / 2) relieve();
      else if (now() - since >= o.slowCloseMs) o.onSlow();
    }, Math.max(10, Math.min(100, Math.floor(o.slowCloseMs / 4))));
  }

  function relieve() {
    congested = false;
    clearInterval(slowTimer);
    // The gaps go out before anything newer on their channels: the next event follows the range.
    for (const d of dropped.values()) {
      sendGap(d.channel, d.dashboardId, d.from, d.to, "slow_consumer", true);
    }
    dropped.clear();
  }

  function sendGap(channel: string, dashboardId: string, from: number, to: number, reason: GapReason, recoverable: boolean) {
    o.onGap?.(reason);
    write(encodeFrame({ type: "gap", channel, dashboard_id: dashboardId, from_seq: from, to_seq: to, reason, recoverable }));
  }

  function addDropped(channel: string, dashboardId: string, from: number, to: number) {
    const key = `${channel}\u0000${dashboardId}`;
    const d = dropped.get(key);
    if (d) {
      d.from = Math.min(d.from, from);
      d.to = Math.max(d.to, to);
    } else {
      dropped.set(key, { channel, dashboardId, from, to });
    }
  }

  return {
    event(channel, dashboardId, seq, frame) {
      if (!open()) return false;
      // A frame larger than the whole budget still goes out alone on an idle socket.
      if (!congested && stream.writableLength > 0 && stream.writableLength + frame.length > budgetBytes) congest();
      if (congested) {
        addDropped(channel, dashboardId, seq, seq);
        o.onEventDropped?.();
        return false;
      }
      write(frame);
      o.onEventWritten?.();
      return true;
    },
    skip(channel, dashboardId, fromSeq, toSeq) {
      if (fromSeq > toSeq || !open()) return;
      if (congested) addDropped(channel, dashboardId, fromSeq, toSeq);
      else sendGap(channel, dashboardId, fromSeq, toSeq, "slow_consumer", true);
    },
    gap(channel, dashboardId, fromSeq, toSeq, reason, recoverable) {
      if (fromSeq > toSeq || !open()) return;
      // While congested a recoverable range merges into the slow-consumer gap, which keeps gaps in seq order.
      if (congested && recoverable) addDropped(channel, dashboardId, fromSeq, toSeq);
      else sendGap(channel, dashboardId, fromSeq, toSeq, reason, recoverable);
    },
    control(frame) {
      if (!open()) return;
      const bytes = encodeFrame(frame);
      if (stream.writableLength + bytes.length > 2 * budgetBytes) {
        o.onSlow();
        return;
      }
      write(bytes);
    },
    get congested() {
      return congested;
    },
    get bufferedBytes() {
      return stream.writableLength;
    },
    dispose() {
      disposed = true;
      clearInterval(slowTimer);
      dropped.clear();
    },
  };
}
