// Hub → client frames as the bytes that go on the wire: JSON wrapped in a WebSocket text frame, built
// once. An event frame is built once per channel and the same Buffer is written to every socket: no
// per-client stringify, UTF-8 conversion, frame header or writev. `ws` has no API for a prepared
// frame, so the hub writes these straight to the upgraded TCP socket (see writer.ts).
import type { LogEntry } from "../protocol/event.js";
import type { ServerFrame } from "../protocol/frames.js";

/** RFC 6455 §5.2: a final, unmasked (servers never mask) text frame holding the JSON, as one buffer. */
export function encodeFrame(frame: ServerFrame): Buffer {
  const json = JSON.stringify(frame);
  const length = Buffer.byteLength(json);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const bytes = Buffer.allocUnsafe(header + length);
  bytes[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    bytes[1] = length;
  } else if (length < 65_536) {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 127;
    bytes.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    bytes.writeUInt32BE(length >>> 0, 6);
  }
  bytes.write(json, header, "utf8");
  return bytes;
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
