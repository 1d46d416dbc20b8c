// Parses what a client sends into a ClientFrame, or says in words why it is not one. Pure.
import { DASHBOARD_ID, type ClientFrame } from "../protocol/frames.js";

/** `channel` names the subscription a refused subscribe was for, so that the client can end it. */
export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; message: string; channel?: string };

export interface FrameLimits {
  /**
   * A resume position per dashboard; the hub passes WS_MAX_CHANNELS. More is not a client resuming but one
   * asking for database work, so it is refused here, before any.
   */
  maxSinceKeys: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isSeq = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const bad = (message: string): ParsedFrame => ({ ok: false, message });

export function parseClientFrame(text: string, limits: FrameLimits): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return bad("malformed JSON");
  }
  if (!isRecord(raw)) return bad("a frame must be a JSON object");
  switch (raw.op) {
    case "auth":
      if (typeof raw.token !== "string" || raw.token.length === 0) return bad("auth needs a token");
      return { ok: true, frame: { op: "auth", token: raw.token } };
    case "subscribe": {
      if (typeof raw.channel !== "string") return bad("subscribe needs a channel");
      if (raw.since === undefined) return { ok: true, frame: { op: "subscribe", channel: raw.channel } };
      const since = parseSince(raw.since, limits.maxSinceKeys);
      if (typeof since === "string") return { ok: false, message: since, channel: raw.channel };
      return { ok: true, frame: { op: "subscribe", channel: raw.channel, since } };
    }
    case "unsubscribe":
      if (typeof raw.channel !== "string") return bad("unsubscribe needs a channel");
      return { ok: true, frame: { op: "unsubscribe", channel: raw.channel } };
    case "ack":
      if (typeof raw.dashboard_id !== "string" || !DASHBOARD_ID.test(raw.dashboard_id)) return bad("ack needs a dashboard_id");
      if (!isSeq(raw.seq)) return bad("ack needs a seq: a whole number >= 0");
      return { ok: true, frame: { op: "ack", dashboard_id: raw.dashboard_id, seq: raw.seq } };
    case "ping":
      return { ok: true, frame: { op: "ping" } };
    default:
      return bad(typeof raw.op === "string" ? `unknown op "${raw.op.slice(0, 32)}"` : "a frame needs an op");
  }
}

function parseSince(value: unknown, maxKeys: number): Record<string, number> | string {
  if (!isRecord(value)) return "since must be an object of dashboard_id: seq";
  const entries = Object.entries(value);
  if (entries.length > maxKeys) return `since may name at most ${maxKeys} dashboards`;
  const since: Record<string, number> = {};
  for (const [key, seq] of entries) {
    if (!DASHBOARD_ID.test(key)) return "since keys must be dashboard ids";
    if (!isSeq(seq)) return `since.${key} must be a whole number >= 0`;
    since[key] = seq;
  }
  return since;
}
