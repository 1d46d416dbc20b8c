// Checks what arrives from the network before anything else trusts its shape. Unknown frame types are
// ignored rather than fatal, so that a newer hub can add frames without breaking older clients.
import { EVENT_KINDS, type EventKind, type HubEvent, type ServerFrame } from "./protocol.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isSeq = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isString = (v: unknown): v is string => typeof v === "string";
const isKind = (v: unknown): v is EventKind => (EVENT_KINDS as readonly unknown[]).includes(v);

/** Just the event: the wire frame's `type`, `channel` and `prev_seq` are transport, not content. */
export function parseEvent(v: unknown): HubEvent | null {
  if (!isObject(v)) return null;
  const { dashboard_id, seq, kind, at, actor, data } = v;
  if (!isString(dashboard_id) || !isSeq(seq) || seq < 1 || !isKind(kind) || !isString(at) || !isString(actor)) return null;
  return { dashboard_id, seq, kind, at, actor, data: isObject(data) ? data : {} };
}

export type EventFrame = Extract<ServerFrame, { type: "event" }>;
export type GapFrame = Extract<ServerFrame, { type: "gap" }>;
export type WelcomeFrame = Extract<ServerFrame, { type: "welcome" }>;

export function parseServerFrame(text: unknown): ServerFrame | null {
  if (!isString(text)) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(v)) return null;
  switch (v.type) {
    case "welcome":
      return isString(v.session) && isSeq(v.heartbeat_ms) ? { type: "welcome", session: v.session, heartbeat_ms: v.heartbeat_ms } : null;
    case "subscribed":
      return isString(v.channel) && typeof v.recovered === "boolean"
        ? { type: "subscribed", channel: v.channel, recovered: v.recovered }
        : null;
    case "event": {
      const event = parseEvent(v);
      if (!event || !isString(v.channel)) return null;
      return { type: "event", channel: v.channel, ...(isSeq(v.prev_seq) ? { prev_seq: v.prev_seq } : {}), ...event };
    }
    case "gap":
      return parseGap(v);
    case "pong":
      return { type: "pong" };
    case "error":
      if (!isString(v.code) || !isString(v.message)) return null;
      return {
        type: "error",
        // Codes the SDK does not know are kept as they are; the union is what the hub sends today.
        code: v.code as Extract<ServerFrame, { type: "error" }>["code"],
        message: v.message,
        ...(isString(v.channel) ? { channel: v.channel } : {}),
      };
    default:
      return null;
  }
}

function parseGap(v: Json): GapFrame | null {
  const { channel, dashboard_id, from_seq, to_seq, reason, recoverable } = v;
  if (!isString(channel) || !isString(dashboard_id) || !isSeq(from_seq) || !isSeq(to_seq) || typeof recoverable !== "boolean") return null;
  if (reason !== "slow_consumer" && reason !== "broker_outage" && reason !== "retention") return null;
  return { type: "gap", channel, dashboard_id, from_seq, to_seq, reason, recoverable };
}

export function parseReplayPage(v: unknown): { events: HubEvent[]; next_after_seq: number; head_seq: number } | null {
  if (!isObject(v) || !Array.isArray(v.events) || !isSeq(v.next_after_seq) || !isSeq(v.head_seq)) return null;
  const events: HubEvent[] = [];
  for (const item of v.events) {
    const event = parseEvent(item);
    if (!event) return null;
    events.push(event);
  }
  return { events, next_after_seq: v.next_after_seq, head_seq: v.head_seq };
}
