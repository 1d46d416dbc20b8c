// The hub's settings and the one place their defaults live (src/config.ts takes its WS_* defaults from
// here). createHub checks them when built.
import type { Config } from "../config.js";

export interface HubConfig {
  /** Inbound frames over this close the connection with 1009 (ws maxPayload). */
  wsMaxFrameBytes: number;
  /** Bytes a connection may have waiting to be written before its events are dropped for a gap. */
  wsOutboundBudgetBytes: number;
  /** A connection over budget this long is closed with 4408. */
  wsSlowCloseMs: number;
  /** Per persona, per node; one more closes with 4429. */
  wsMaxConnectionsPerPersona: number;
  /** Also the most keys a `since` may name. */
  wsMaxChannels: number;
  /** Inbound ops per connection per second; a second over → error `limit`, the next one too → 4408. */
  wsMaxOpsPerSec: number;
  /** Connections not yet authenticated, per node; one more closes the oldest with 4401. */
  wsMaxPending: number;
  /** WebSocket ping interval; a connection silent for two intervals is terminated. */
  heartbeatMs: number;
  /** Time a new connection has to send its auth frame before 4401. */
  authTimeoutMs: number;
  /** Events per log read during replay and catch-up. */
  replayPageSize: number;
}

export const DEFAULT_HUB_CONFIG: HubConfig = {
  wsMaxFrameBytes: 65536,
  wsOutboundBudgetBytes: 1048576,
  wsSlowCloseMs: 30000,
  wsMaxConnectionsPerPersona: 32,
  wsMaxChannels: 128,
  wsMaxOpsPerSec: 50,
  wsMaxPending: 1000,
  heartbeatMs: 25000,
  authTimeoutMs: 10000,
  replayPageSize: 500,
};

/** The WS_* settings over the defaults; the rest (auth timeout, replay page) are not configurable. */
export function hubConfigOf(ws: Config["ws"]): HubConfig {
  return {
    ...DEFAULT_HUB_CONFIG,
    wsMaxFrameBytes: ws.maxFrameBytes,
    wsOutboundBudgetBytes: ws.outboundBudgetBytes,
    wsSlowCloseMs: ws.slowCloseMs,
    wsMaxConnectionsPerPersona: ws.maxConnectionsPerPersona,
    wsMaxChannels: ws.maxChannels,
    heartbeatMs: ws.heartbeatMs,
    wsMaxOpsPerSec: ws.maxOpsPerSec,
    wsMaxPending: ws.maxPending,
  };
}

/** Every bad setting at once, so a misconfigured node says all that is wrong in one go. */
export function validateHubConfig(config: HubConfig): void {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config) as [keyof HubConfig, number][]) {
    if (!Number.isSafeInteger(value) || value < 1) problems.push(`${key} must be a positive integer (got ${String(value)})`);
  }
  if (config.replayPageSize > 10_000) problems.push("replayPageSize must be at most 10000");
  if (problems.length > 0) throw new Error(`invalid hub config: ${problems.join("; ")}`);
}
