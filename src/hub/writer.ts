// One connection's outbound side. Backpressure is measured with ws's bufferedAmount, so the hub holds no
// queue of its own: past the budget, event frames are not written but remembered as a dropped range per
// (channel, dashboard), and once the socket has drained to half the budget the client gets one
// `gap {reason: "slow_consumer", recoverable: true}` per range to replay from the log. Memory per
// connection stays under about twice the budget whatever the client does.
import type { GapReason, ServerFrame } from "../protocol/frames.js";
import { encodeFrame } from "./wire.js";

const OPEN = 1;

export interface WriterSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: Buffer, options: { binary: boolean }, cb: (error?: Error) => void): void;
}

export interface WriterOptions {
  socket: WriterSocket;
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
  const { socket, budgetBytes } = o;
  const now = o.now ?? Date.now;
  const dropped = new Map<string, Dropped>();
  let congested = false;
  let slowTimer: NodeJS.Timeout | undefined;
  let disposed = false;

  const open = () => !disposed && socket.readyState === OPEN;

  function write(frame: Buffer) {
    socket.send(frame, { binary: false }, afterWrite);
  }

  // ws calls back once a frame has reached the kernel, so the last pending callback of a congested
  // connection always comes, and finds the buffer drained.
  function afterWrite() {
    if (congested && open() && socket.bufferedAmount <= budgetBytes / 2) relieve();
  }

  function congest() {
    congested = true;
    const since = now();
    // Write callbacks are the drain signal; this timer is the backstop (a ping, not ours, may have been
    // the last write) and the clock for 4408.
    slowTimer = setInterval(() => {
      if (!congested || disposed) return;
      if (socket.bufferedAmount <= budgetBytes / 2) relieve();
      else if (now() - since >= o.slowCloseMs) o.onSlow();
    }, Math.max(10, Math.min(1000, Math.floor(o.slowCloseMs / 4))));
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
      if (!congested && socket.bufferedAmount > 0 && socket.bufferedAmount + frame.length > budgetBytes) congest();
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
      if (socket.bufferedAmount + bytes.length > 2 * budgetBytes) {
        o.onSlow();
        return;
      }
      write(bytes);
    },
    get congested() {
      return congested;
    },
    get bufferedBytes() {
      return socket.bufferedAmount;
    },
    dispose() {
      disposed = true;
      clearInterval(slowTimer);
      dropped.clear();
    },
  };
}
