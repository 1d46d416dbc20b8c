// WebSocket frames as discriminated unions, shared by the hub and client-sdk/.
import type { HubEvent } from "./event.js";

export type ClientFrame =
  | { op: "auth"; token: string }
  | { op: "subscribe"; channel: string; since?: Record<string, number> }
  | { op: "unsubscribe"; channel: string }
  | { op: "ack"; dashboard_id: string; seq: number }
  | { op: "ping" };

export type GapReason = "slow_consumer" | "broker_outage" | "retention";

export type ErrorCode = "forbidden" | "bad-request" | "not-found" | "limit";

export type ServerFrame =
  | { type: "welcome"; session: string; heartbeat_ms: number }
  | { type: "subscribed"; channel: string; recovered: boolean }
  | ({ type: "event"; channel: string; prev_seq?: number } & HubEvent)
  | {
      type: "gap";
      channel: string;
      dashboard_id: string;
      from_seq: number;
      to_seq: number;
      reason: GapReason;
      recoverable: boolean;
    }
  | { type: "pong" }
  | { type: "error"; code: ErrorCode; message: string; channel?: string };

/** Close codes: 4xxx below 4400 would mean "reconnect"; the ones here tell the client why. */
export const CLOSE = {
  goingAway: 1001,
  tooBig: 1009,
  unauthorized: 4401,
  slowConsumer: 4408,
  tooManyConnections: 4429,
} as const;

export type Channel = { kind: "dashboard"; id: string } | { kind: "persona"; id: string };

/** The one pattern of a dashboard id: routes, schemas, OpenAPI and the frame parser all use this. */
export const DASHBOARD_ID = /^[a-z0-9][a-z0-9_-]{0,127}$/;

export function parseChannel(channel: string): Channel | null {
  const colon = channel.indexOf(":");
  if (colon < 0) return null;
  const prefix = channel.slice(0, colon);
  const id = channel.slice(colon + 1);
  if (prefix === "dashboard" && DASHBOARD_ID.test(id)) return { kind: "dashboard", id };
  if (prefix === "persona" && id.length > 0 && id.length <= 256) return { kind: "persona", id };
  return null;
}
