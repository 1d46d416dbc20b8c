// A session lasts as long as its token, and the hub bounds what a connection may ask: token expiry and
// re-auth on the open connection, the inbound ops limit, and the cap on connections waiting for auth.
// The hub's clock is injected (tuning.now): tests place "now" just before a deadline instead of waiting.
import { describe, expect, it } from "vitest";
import { CLOSE, type ServerFrame } from "../../src/protocol/frames.js";
import { hubTestContext } from "./helpers/hub-test-context.js";
import { connectClient, type TestClient } from "./helpers/ws-client.js";

const TOLERANCE_MS = 30_000;

/** The hub's clock: real time shifted so that "now" can be placed anywhere, or held still. */
function testClock() {
  let offset = 0;
  let frozen: number | null = null;
  return {
    now: () => frozen ?? Date.now() + offset,
    /** From now on the hub's clock reads `at` and runs on in real time. */
    place(at: number) {
      frozen = null;
      offset = at - Date.now();
    },
    freeze(at: number) {
      frozen = at;
    },
  };
}

const nowS = () => Math.floor(Date.now() / 1000);
const isWelcome = (f: ServerFrame) => f.type === "welcome";
const count = (c: TestClient, type: ServerFrame["type"]) => c.frames.filter((f) => f.type === type).length;

describe("session lifetime", () => {
  const t = hubTestContext("l");

  it("closes the connection with 4401 at the token's exp plus the 30 s tolerance", async () => {
    const clock = testClock();
    const h = await t.start({ tuning: { now: clock.now } });
    const exp = nowS() + 3600;
    clock.place((exp * 1000 + TOLERANCE_MS) - 300);
    const placedAt = Date.now();
    const c = await connectClient(h.url);
    c.send({ op: "auth", token: await h.token("alice", [], exp) });
    await c.waitFor(isWelcome);
    c.send({ op: "ping" });
    await c.waitFor((f) => f.type === "pong");
    const { code, reason } = await c.closed;
    expect({ code, reason }).toEqual({ code: CLOSE.unauthorized, reason: "token expired" });
    // Not before the deadline (timers may round down by a millisecond).
    expect(Date.now() - placedAt).toBeGreaterThanOrEqual(295);
    await expect.poll(() => h.hub.stats().connections).toBe(0);
  });

  it("moves the deadline when the client sends auth again with a later token for the same sub", async () => {
    const clock = testClock();
    const h = await t.start({ tuning: { now: clock.now } });
    const exp = nowS() + 3600;
    clock.place(exp * 1000 + TOLERANCE_MS - 300);
    const placedAt = Date.now();
    const c = await connectClient(h.url);
    c.send({ op: "auth", token: await h.token("alice", [], exp) });
    const first = await c.waitFor<Extract<ServerFrame, { type: "welcome" }>>(isWelcome);
    // One second more: the new deadline is 1300 ms after placing the clock.
    c.send({ op: "auth", token: await h.token("alice", [], exp + 1) });
    await c.waitUntil(() => count(c, "welcome") === 2);
    const second = c.frames.filter(isWelcome)[1] as typeof first;
    expect(second).toEqual({ type: "welcome", session: first.session, heartbeat_ms: first.heartbeat_ms });
    const { code, reason } = await c.closed;
    expect({ code, reason }).toEqual({ code: CLOSE.unauthorized, reason: "token expired" });
    expect(Date.now() - placedAt).toBeGreaterThanOrEqual(1295);
  });

  it("closes with 4401 on an auth for another sub, or with a bad token, on an open connection", async () => {
    const h = await t.start();
    const other = await h.client("alice");
    other.send({ op: "auth", token: await h.token("bob") });
    expect(await other.closed).toEqual({ code: CLOSE.unauthorized, reason: "a token for another sub" });
    const bad = await h.client("alice");
    bad.send({ op: "auth", token: "not-a-jwt" });
    expect(await bad.closed).toEqual({ code: CLOSE.unauthorized, reason: "bad token" });
  });

  it("applies the new token's roles to the channels already held", async () => {
    const h = await t.start();
    const c = await h.client("root", ["admin"]);
    expect(await c.subscribe("persona:alice")).toMatchObject({ type: "subscribed" });
    c.send({ op: "auth", token: await h.token("root") });
    await c.waitUntil(() => count(c, "welcome") === 2);
    expect(c.frames.find((f) => f.type === "error")).toMatchObject({ code: "forbidden", channel: "persona:alice" });
    expect(h.hub.stats().subscriptions).toBe(0);
  });

  it("answers error limit to the op past wsMaxOpsPerSec in a second, drops the rest of that second, and closes with 4408 when the next second goes over too", async () => {
    const clock = testClock();
    const h = await t.start({ config: { wsMaxOpsPerSec: 5 }, tuning: { now: clock.now } });
    const c = await h.client("alice");
    const start = Date.now();
    clock.freeze(start);
    // Written in one go, so that the hub reads them in one chunk, at one time on its clock.
    const socket = (c.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    const pings = (n: number) => {
      socket.cork();
      for (let i = 0; i < n; i++) c.send({ op: "ping" });
      socket.uncork();
    };
    pings(7); // the 6th is over: error; the 7th is dropped without an answer
    await c.waitUntil(() => count(c, "pong") === 5 && count(c, "error") === 1);
    expect(c.frames.find((f) => f.type === "error")).toMatchObject({ code: "limit" });
    clock.freeze(start + 1000);
    pings(5);
    // Ops run in arrival order: had the 7th been handled, there would be 11 pongs.
    await c.waitUntil(() => count(c, "pong") === 10);
    pings(1);
    expect((await c.closed).code).toBe(CLOSE.slowConsumer);
    expect(count(c, "pong")).toBe(10);
    expect(count(c, "error")).toBe(1);
  });

  it("lets a client that keeps to wsMaxOpsPerSec go on, and one that slowed down for a second start over with a warning", async () => {
    const clock = testClock();
    const h = await t.start({ config: { wsMaxOpsPerSec: 3 }, tuning: { now: clock.now } });
    const c = await h.client("alice");
    const start = Date.now();
    for (let second = 0; second < 3; second++) {
      clock.freeze(start + second * 1000);
      for (let i = 0; i < 3; i++) c.send({ op: "ping" });
      await c.waitUntil(() => count(c, "pong") === 3 * (second + 1));
    }
    expect(count(c, "error")).toBe(0);
    clock.freeze(start + 3000);
    for (let i = 0; i < 4; i++) c.send({ op: "ping" });
    await c.waitUntil(() => count(c, "error") === 1);
    clock.freeze(start + 5000); // a quiet second between: the next one over warns again
    for (let i = 0; i < 4; i++) c.send({ op: "ping" });
    await c.waitUntil(() => count(c, "error") === 2);
    // The second after an over one, within the limit: handled, no close.
    clock.freeze(start + 6000);
    c.send({ op: "ping" });
    await c.waitUntil(() => count(c, "pong") === 16);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it("closes the oldest connection waiting for auth with 4401 when wsMaxPending are waiting", async () => {
    const h = await t.start({ config: { wsMaxPending: 2 } });
    const oldest = await connectClient(h.url);
    const second = await connectClient(h.url);
    const third = await connectClient(h.url);
    expect(await oldest.closed).toEqual({ code: CLOSE.unauthorized, reason: "too many connections waiting for auth" });
    // Authenticated connections do not count: after second's auth, one more may wait beside third.
    second.send({ op: "auth", token: await h.token("alice") });
    await second.waitFor(isWelcome);
    const fourth = await connectClient(h.url);
    for (const c of [third, fourth]) {
      c.send({ op: "auth", token: await h.token("bob") });
      await c.waitFor(isWelcome);
    }
    expect(h.hub.stats().connections).toBe(3);
  });
});
