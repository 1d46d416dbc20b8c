// Hub → client frames as bytes. An event frame is encoded once per channel and the same Buffer goes to
// every socket: no per-client stringify, no per-client UTF-8 conversion.
import type { LogEntry } from "../protocol/event.js";
import type { ServerFrame } from "../protocol/frames.js";

export function encodeFrame(frame: ServerFrame): Buffer {
  return Buffer.from(JSON.stringify(frame));
}

/** `prev_seq` travels on persona channels only, where it lets a client tell a gap from silence. */
export function encodeEventFrame(channel: string, entry: LogEntry, withPrevSeq: boolean): Buffer {
  const e = entry.event;
  const frame: ServerFrame = {
    type: "event",
    channel,
    dashboard_id: e.dashboard_id,
    seq: e.seq,
    kind: e.kind,
    at: e.at,
    actor: e.actor,
    data: e.data,
    ...(withPrevSeq ? { prev_seq: entry.prev_seq ?? 0 } : {}),
  };
  return encodeFrame(frame);
}
