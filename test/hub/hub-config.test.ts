// The WebSocket defaults live in DEFAULT_HUB_CONFIG only: the environment's defaults are taken from it,
// the node is built from it, and the README's configuration table says the same numbers.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { DEFAULT_HUB_CONFIG, hubConfigOf } from "../../src/hub/hub-config.js";

describe("the WebSocket defaults", () => {
  it("are the hub's own when no WS_* variable is set", () => {
    expect(hubConfigOf(loadConfig({}).ws)).toEqual(DEFAULT_HUB_CONFIG);
  });

  it("give way to each WS_* variable", () => {
    const ws = hubConfigOf(loadConfig({ WS_MAX_FRAME_BYTES: "64", WS_HEARTBEAT_MS: "100", WS_MAX_PENDING: "1" }).ws);
    expect(ws).toEqual({ ...DEFAULT_HUB_CONFIG, wsMaxFrameBytes: 64, heartbeatMs: 100, wsMaxPending: 1 });
  });

  it("are the ones the README's configuration table names", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const documented = Object.fromEntries([...readme.matchAll(/^\| `(WS_[A-Z_]+)` \| `(\d+)` \|/gm)].map((m) => [m[1], Number(m[2])]));
    const config = loadConfig({}).ws;
    expect(documented).toEqual({
      WS_MAX_FRAME_BYTES: config.maxFrameBytes,
      WS_OUTBOUND_BUDGET_BYTES: config.outboundBudgetBytes,
      WS_SLOW_CLOSE_MS: config.slowCloseMs,
      WS_MAX_CONNECTIONS_PER_PERSONA: config.maxConnectionsPerPersona,
      WS_MAX_CHANNELS: config.maxChannels,
      WS_MAX_OPS_PER_SEC: config.maxOpsPerSec,
      WS_MAX_PENDING: config.maxPending,
      WS_HEARTBEAT_MS: config.heartbeatMs,
    });
  });
});
