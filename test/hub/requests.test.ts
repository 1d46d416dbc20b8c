// What a client may ask once authenticated: subscribe (and its refusals), unsubscribe, ack, ping; live fan-out.
import { describe, expect, it } from "vitest";
import { commitEvents, commitSnapshot, subscribePersona, type Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";
import type { TestClient } from "./helpers/ws-client.js";

describe("hub requests", () => {
  const t = hubTestContext("d");
  let h: Harness;
  const newDashboard = t.newDashboard;
  const start = t.start;
  const subscribe = (c: TestClient, channel: string, since?: Record<string, number>) => c.subscribe(channel, since);

  it("delivers events committed after subscribed on a dashboard channel, in seq order", async () => {
    h = await start();
    const d = await newDashboard();
    await h.hub.publish(await commitEvents(h.store, d, 2));
    const c = await h.client("alice");
    expect(await subscribe(c, `dashboard:${d}`)).toEqual({ type: "subscribed", channel: `dashboard:${d}`, recovered: true });
    const entries = await commitEvents(h.store, d, 5);
    await h.hub.publish(entries);
    await c.waitUntil(() => c.events().length === 5);
    expect(c.events().map((e) => e.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(c.events()[0]).toMatchObject({ type: "event", channel: `dashboard:${d}`, dashboard_id: d, kind: "subscription.created", actor: "test" });
    expect(c.events()[0]).not.toHaveProperty("prev_seq");
  });

  it("sends a persona only its own alerts, each with prev_seq", async () => {
    h = await start();
    const d = await newDashboard();
    await subscribePersona(h.store, d, "alice");
    await subscribePersona(h.store, d, "bob");
    await commitSnapshot(h.store, d); // baseline
    const alice = await h.client("alice");
    await subscribe(alice, "persona:alice");
    await h.hub.publish(await commitSnapshot(h.store, d));
    await h.hub.publish(await commitSnapshot(h.store, d));
    await alice.waitUntil(() => alice.events().length === 2);
    const [first, second] = alice.events();
    expect(first).toMatchObject({ kind: "alert.matched", channel: "persona:alice", prev_seq: 0 });
    expect(first!.data).toMatchObject({ subscriber_kind: "persona", subscriber_id: "alice" });
    expect(second!.prev_seq).toBe(first!.seq);
  });

  it("lets admin subscribe to another persona's channel; others get forbidden", async () => {
    h = await start();
    const admin = await h.client("root", ["admin"]);
    expect(await subscribe(admin, "persona:alice")).toMatchObject({ type: "subscribed" });
    const bob = await h.client("bob");
    expect(await subscribe(bob, "persona:alice")).toMatchObject({ type: "error", code: "forbidden", channel: "persona:alice" });
    expect(bob.ws.readyState).toBe(bob.ws.OPEN);
  });

  it("answers bad-request to a channel of another form, binary frames, malformed JSON and unknown ops", async () => {
    h = await start();
    const c = await h.client("alice");
    for (const channel of ["dashboards:x", "dashboard:UPPER", "persona:", "nocolon"]) {
      expect(await subscribe(c, channel)).toMatchObject({ type: "error", code: "bad-request", channel });
    }
    // A refused subscribe names its channel, so that the client can end that subscription.
    const errors = () => c.frames.filter((f) => f.type === "error" && (f.channel === undefined || f.channel === "dashboard:x"));
    c.send(Buffer.from([0, 1]));
    c.send("{oops");
    c.send({ op: "dance" });
    c.send({ nop: 1 });
    c.send({ op: "subscribe", channel: "dashboard:x", since: { x: -1 } });
    await c.waitUntil(() => errors().length === 5);
    expect(errors().every((f) => f.type === "error" && f.code === "bad-request")).toBe(true);
    c.send({ op: "ping" });
    await c.waitFor((f) => f.type === "pong");
  });

  it("answers bad-request to since past the head, and not-found to an unknown dashboard", async () => {
    h = await start();
    const d = await newDashboard();
    await commitEvents(h.store, d, 2);
    const c = await h.client("alice");
    expect(await subscribe(c, `dashboard:${d}`, { [d]: 3 })).toMatchObject({ type: "error", code: "bad-request" });
    expect(await subscribe(c, "dashboard:nope")).toMatchObject({ type: "error", code: "not-found", channel: "dashboard:nope" });
    expect(await subscribe(c, "persona:alice", { [d]: 99 })).toMatchObject({ type: "error", code: "bad-request" });
    expect(h.hub.stats()).toMatchObject({ subscriptions: 0, channels: 0 });
  });

  it("refuses a subscription past wsMaxChannels with limit, and a repeated one with bad-request", async () => {
    h = await start({ config: { wsMaxChannels: 2 } });
    const [a, b, c3] = [await newDashboard(), await newDashboard(), await newDashboard()];
    const c = await h.client("alice");
    await subscribe(c, `dashboard:${a}`);
    expect(await subscribe(c, `dashboard:${a}`)).toMatchObject({ type: "error", code: "bad-request" });
    await subscribe(c, `dashboard:${b}`);
    expect(await subscribe(c, `dashboard:${c3}`)).toMatchObject({ type: "error", code: "limit", channel: `dashboard:${c3}` });
  });

  it("stops delivering a channel after unsubscribe and drops the broker topic with the last listener", async () => {
    h = await start();
    const d = await newDashboard();
    const c = await h.client("alice");
    await subscribe(c, `dashboard:${d}`);
    expect(h.hub.stats().channels).toBe(1);
    c.send({ op: "unsubscribe", channel: `dashboard:${d}` });
    c.send({ op: "ping" });
    await c.waitFor((f) => f.type === "pong");
    expect(h.hub.stats()).toMatchObject({ channels: 0, subscriptions: 0 });
    await h.hub.publish(await commitEvents(h.store, d, 1));
    c.send({ op: "ping" });
    await c.waitUntil(() => c.frames.filter((f) => f.type === "pong").length === 2);
    expect(c.events()).toEqual([]);
  });

  it("records an ack as the highest seq per persona and dashboard", async () => {
    h = await start();
    const d = await newDashboard();
    await commitEvents(h.store, d, 5);
    const c = await h.client("alice");
    await subscribe(c, `dashboard:${d}`);
    c.send({ op: "ack", dashboard_id: d, seq: 5 });
    c.send({ op: "ack", dashboard_id: d, seq: 3 });
    c.send({ op: "ping" });
    await c.waitFor((f) => f.type === "pong");
    expect(await h.store.ackedSeq("alice", d)).toBe(5);
    c.send({ op: "ack", dashboard_id: "Bad Id", seq: 1 });
    await c.waitFor((f) => f.type === "error" && f.code === "bad-request");
  });

  it("delivers one publish to many sessions on one channel, all in order", async () => {
    h = await start();
    const d = await newDashboard();
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => h.client(`p${i}`)));
    await Promise.all(clients.map((c) => subscribe(c, `dashboard:${d}`)));
    const entries = await commitEvents(h.store, d, 10);
    await h.hub.publish(entries);
    for (const c of clients) {
      await c.waitUntil(() => c.events().length === 10);
      expect(c.events().map((e) => e.seq)).toEqual(entries.map((e) => e.event.seq));
    }
  });
});
