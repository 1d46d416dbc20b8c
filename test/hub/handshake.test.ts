// Connection-level protocol: auth, close codes, limits, heartbeat, shutdown.
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { CLOSE } from "../../src/protocol/frames.js";
import type { Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";
import { connectClient } from "./helpers/ws-client.js";

describe("hub handshake", () => {
  const t = hubTestContext("h");
  let h: Harness;
  const startHarness = t.start;

  it("welcomes a valid token with a session id and the heartbeat interval", async () => {
    h = await startHarness({ config: { heartbeatMs: 7000 } });
    const c = await connectClient(h.url);
    c.send({ op: "auth", token: await h.token("alice") });
    const welcome = await c.waitFor((f) => f.type === "welcome");
    expect(welcome).toMatchObject({ type: "welcome", heartbeat_ms: 7000 });
    expect(typeof (welcome as { session: string }).session).toBe("string");
  });

  it("closes with 4401 when no auth frame comes within authTimeoutMs", async () => {
    h = await startHarness({ config: { authTimeoutMs: 150 } });
    const c = await connectClient(h.url);
    expect((await c.closed).code).toBe(CLOSE.unauthorized);
  });

  it("closes with 4401 on a bad token", async () => {
    h = await startHarness();
    const c = await connectClient(h.url);
    c.send({ op: "auth", token: "not-a-jwt" });
    expect((await c.closed).code).toBe(CLOSE.unauthorized);
  });

  it("closes with 4401 when the first frame is not auth", async () => {
    h = await startHarness();
    const c = await connectClient(h.url);
    c.send({ op: "subscribe", channel: "dashboard:a" });
    expect((await c.closed).code).toBe(CLOSE.unauthorized);
  });

  it("closes with 4401 when the first frame is binary or not JSON", async () => {
    h = await startHarness();
    const binary = await connectClient(h.url);
    binary.send(Buffer.from([1, 2, 3]));
    const garbage = await connectClient(h.url);
    garbage.send("{not json");
    expect((await binary.closed).code).toBe(CLOSE.unauthorized);
    expect((await garbage.closed).code).toBe(CLOSE.unauthorized);
  });

  it("handles frames sent right behind auth, after auth", async () => {
    h = await startHarness();
    const c = await connectClient(h.url);
    c.send({ op: "auth", token: await h.token("alice") });
    c.send({ op: "ping" });
    await c.waitFor((f) => f.type === "pong");
    expect(c.frames.map((f) => f.type)).toEqual(["welcome", "pong"]);
  });

  it("closes the connection over the persona's limit with 4429, counting per persona", async () => {
    h = await startHarness({ config: { wsMaxConnectionsPerPersona: 2 } });
    await h.client("alice");
    await h.client("alice");
    await h.client("bob");
    const third = await connectClient(h.url);
    third.send({ op: "auth", token: await h.token("alice") });
    expect((await third.closed).code).toBe(CLOSE.tooManyConnections);
  });

  it("lets a persona connect again once one of its connections closed", async () => {
    h = await startHarness({ config: { wsMaxConnectionsPerPersona: 1 } });
    const first = await h.client("alice");
    first.close();
    await first.closed;
    await expect.poll(() => h.hub.stats().connections).toBe(0);
    await h.client("alice");
  });

  it("closes with 1009 on an inbound frame over wsMaxFrameBytes", async () => {
    h = await startHarness({ config: { wsMaxFrameBytes: 1024 } });
    const c = await h.client("alice");
    c.send({ op: "ping", pad: "x".repeat(2000) });
    expect((await c.closed).code).toBe(CLOSE.tooBig);
  });

  it("terminates a connection that stops answering pings within two intervals", async () => {
    h = await startHarness({ config: { heartbeatMs: 100 } });
    const c = await connectClient(h.url, { autoPong: false });
    c.send({ op: "auth", token: await h.token("alice") });
    await c.waitFor((f) => f.type === "welcome");
    const started = Date.now();
    const { code } = await c.closed;
    expect(code).toBe(1006); // terminated, no close frame
    expect(Date.now() - started).toBeLessThan(400);
  });

  it("keeps a connection that answers pings", async () => {
    h = await startHarness({ config: { heartbeatMs: 50 } });
    const c = await h.client("alice");
    let pings = 0;
    c.ws.on("ping", () => pings++);
    await expect.poll(() => pings, { timeout: 2000 }).toBeGreaterThanOrEqual(4);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("closes every connection with 1001 on shutdown and refuses new ones", async () => {
    h = await startHarness();
    const a = await h.client("alice");
    const b = await connectClient(h.url);
    await h.hub.close();
    expect((await a.closed).code).toBe(CLOSE.goingAway);
    expect((await b.closed).code).toBe(CLOSE.goingAway);
    await expect(connectClient(h.url)).rejects.toThrow();
  });
});
