// Hub → client frames as the bytes that go on the wire: JSON wrapped in a WebSocket text frame, built
// once. An event frame is built once per channel from the event's body (its bytes made once) and the same
// Buffer is written to every socket: no per-client stringify, UTF-8 conversion, frame header or writev.
// `ws` has no API for a prepared frame, so the hub writes these straight to the upgraded TCP socket
// (see writer.ts).
import type { LogEntry } from "../protocol/event.js";
import type { ServerFrame } from "../protocol/frames.js";
import { diffText } from "../event-text.js";
import { metaText, splitData } from "./event-json.js";

/** RFC 6455 §5.2: a final, unmasked (servers never mask) text frame holding the JSON, as one buffer. */
export function encodeFrame(frame: ServerFrame): Buffer {
  const json = JSON.stringify(frame);
  const length = Buffer.byteLength(json);
  const bytes = allocFrame(length);
  bytes.write(json, bytes.length - length, "utf8");
  return bytes;
}

/** A frame buffer with its header written, for a payload of `length` bytes that fills the rest. */
function allocFrame(length: number): Buffer {
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
  return bytes;
}

/**
 * An event's members as UTF-8, in pieces: the shared diff is one Buffer that every event carrying it
 * points to, so a frame is built by copying bytes, not by stringifying or encoding again.
 */
export interface EventBody {
  chunks: Buffer[];
  byteLength: number;
}

const CLOSE_DATA = Buffer.from("}");

/** With a part, the data object closes after it. */
export function eventBody(head: string, part: Buffer | null): EventBody {
  const chunks: Buffer[] = [Buffer.from(head)];
  if (part) chunks.push(part, CLOSE_DATA);
  let byteLength = 0;
  for (const c of chunks) byteLength += c.length;
  return { chunks, byteLength };
}

const bodies = new WeakMap<LogEntry, EventBody>();
const diffBytes = new WeakMap<object, Buffer>();

/** Set by the broker decoder: the body arrived as text and is never rebuilt from the entry's objects. */
export function attachBody(entry: LogEntry, body: EventBody): void {
  bodies.set(entry, body);
}

/** The body of an entry, made once per entry object and its diff once per diff object. */
export function bodyOf(entry: LogEntry): EventBody {
  let body = bodies.get(entry);
  if (body) return body;
  const split = splitData(entry.event.data);
  body = eventBody(metaText(entry.event) + split.head, split.hasDiff ? partBytes(split.diff) : null);
  bodies.set(entry, body);
  return body;
}

function partBytes(diff: unknown): Buffer {
  if (diff === null || typeof diff !== "object") return Buffer.from(diffText(diff));
  let bytes = diffBytes.get(diff);
  if (!bytes) {
    bytes = Buffer.from(diffText(diff));
    diffBytes.set(diff, bytes);
  }
  return bytes;
}

/**
 * `{"type":"event","channel":C,<body>[,"prev_seq":N]}` as a WebSocket frame. `prev_seq` travels on
 * persona channels only, where it lets a client tell a gap from silence. Live and replayed events of one
 * seq come out byte for byte the same: both are built here from the same body.
 */
export function encodeEventFrame(channel: string, entry: LogEntry, withPrevSeq: boolean): Buffer {
  return frameAround(channel, bodyOf(entry), withPrevSeq ? (entry.prev_seq ?? 0) : null);
}

export function frameAround(channel: string, body: EventBody, prevSeq: number | null): Buffer {
  const prefix = `{"type":"event","channel":${JSON.stringify(channel)},`;
  const suffix = prevSeq === null ? "}" : `,"prev_seq":${prevSeq}}`;
  const length = Buffer.byteLength(prefix) + body.byteLength + Buffer.byteLength(suffix);
  const bytes = allocFrame(length);
  let at = bytes.length - length;
  at += bytes.write(prefix, at, "utf8");
  for (const chunk of body.chunks) at += chunk.copy(bytes, at);
  bytes.write(suffix, at, "utf8");
  return bytes;
}
