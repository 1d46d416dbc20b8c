import { describe, expect, it } from "vitest";
import type { DashwatchError, HubEvent } from "../src/index.js";
import { useHub } from "./harness.js";
import { changed, gate, range, Recorder, record, until } from "./helpers.js";

describe("handing events to the application", () => {
  const t = useHub();

  it("yields events in seq order through the async iterator", async () => {
    t.hub.createDashboard("sales");
    const sub = t.client().subscribe("dashboard:sales");
    const iterator = sub[Symbol.asyncIterator]();
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "subscribed");
    for (const _ of range(1, 50)) t.hub.append("sales", "snapshot.created");
    const seqs: number[] = [];
    for await (const event of { [Symbol.asyncIterator]: () => iterator }) {
      seqs.push(event.seq);
      if (event.seq === 50) break;
    }
    expect(seqs).toEqual(range(1, 50));
  });

  it("pauses for a slow iterator and, past maxBufferedEvents, re-reads from the log: nothing lost, overflow reported", async () => {
    t.hub.createDashboard("sales");
    const sub = t.client({ iteratorBuffer: 2, maxBufferedEvents: 5, replayPageSize: 7 }).subscribe("dashboard:sales");
    const errors: DashwatchError[] = [];
    sub.on("error", (error) => {
      errors.push(error);
      changed();
    });
    const iterator = sub[Symbol.asyncIterator]();
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "subscribed");
    // Nobody reads while 60 events arrive: far more than every buffer together.
    for (const _ of range(1, 60)) t.hub.append("sales", "snapshot.created");
    await until(() => errors.length > 0, "overflow reported");

    const seqs: number[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      seqs.push(r.value.seq);
      if (r.value.seq === 60) break;
    }
    expect(seqs).toEqual(range(1, 60));
    // One report per overflow episode; events still in flight when the catch-up starts may open a second.
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.code === "overflow" && !e.fatal)).toBe(true);
    expect(t.hub.eventRequests().length).toBeGreaterThan(0);
  });

  it("autoAck acks an alert only after the listener's promise resolves", async () => {
    t.hub.createDashboard("sales");
    const handled = gate();
    const client = t.client({ autoAck: true });
    const sub = client.subscribe("persona:alice");
    let started = false;
    sub.on("event", async () => {
      started = true;
      changed();
      await handled.promise;
    });
    await until(() => t.hub.sessions[0]?.channels.has("persona:alice"), "subscribed");
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    await until(() => started, "listener running");
    // One socket keeps order: once this marker arrives, an early ack would have arrived before it.
    client.ack("marker", 1);
    await until(() => t.hub.framesOf("ack").length > 0, "marker ack");
    expect(t.hub.framesOf("ack")).toEqual([{ op: "ack", dashboard_id: "marker", seq: 1 }]);
    handled.open();
    await until(() => t.hub.framesOf("ack").length > 1, "ack sent");
    expect(t.hub.framesOf("ack").at(-1)).toEqual({ op: "ack", dashboard_id: "sales", seq: 1 });
  });

  it("autoAck does not ack an alert whose listener rejected, and reports the failure", async () => {
    t.hub.createDashboard("sales");
    const sub = t.client({ autoAck: true }).subscribe("persona:alice");
    const errors: DashwatchError[] = [];
    sub.on("error", (error) => {
      errors.push(error);
      changed();
    });
    sub.on("event", async (event: HubEvent) => {
      if (event.seq === 1) throw new Error("boom");
    });
    await until(() => t.hub.sessions[0]?.channels.has("persona:alice"), "subscribed");
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    await until(() => t.hub.framesOf("ack").length > 0, "ack of the second alert");
    expect(t.hub.framesOf("ack")).toEqual([{ op: "ack", dashboard_id: "sales", seq: 2 }]);
    expect(errors.map((e) => e.code)).toEqual(["handler-failed"]);
  });

  it("autoAck with an iterator acks an alert when the loop comes back for the next one", async () => {
    t.hub.createDashboard("sales");
    const sub = t.client({ autoAck: true }).subscribe("persona:alice");
    const iterator = sub[Symbol.asyncIterator]();
    await until(() => t.hub.sessions[0]?.channels.has("persona:alice"), "subscribed");
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    const first = await iterator.next();
    expect(first.value?.seq).toBe(1);
    expect(t.hub.framesOf("ack")).toEqual([]);
    const second = await iterator.next();
    expect(second.value?.seq).toBe(2);
    await until(() => t.hub.framesOf("ack").length > 0, "ack of the first alert");
    expect(t.hub.framesOf("ack")).toEqual([{ op: "ack", dashboard_id: "sales", seq: 1 }]);
  });

  it("holds manual acks made while disconnected and sends the highest per dashboard on reconnect", async () => {
    const client = t.client();
    const states = record(client, "state");
    await until(() => states.includes("connected"), "connected");
    t.hub.closeAll(1001);
    await until(() => states.includes("disconnected"), "disconnected");
    client.ack("sales", 3);
    client.ack("sales", 7);
    client.ack("ops", 2);
    await until(() => t.hub.framesOf("ack").length === 2, "acks flushed");
    expect(t.hub.sessions[1]?.received.filter((f) => f.op === "ack")).toEqual([
      { op: "ack", dashboard_id: "sales", seq: 7 },
      { op: "ack", dashboard_id: "ops", seq: 2 },
    ]);
  });

  it("ends the iterator when the subscription is left, and the hub hears unsubscribe", async () => {
    t.hub.createDashboard("sales");
    const sub = t.client().subscribe("dashboard:sales");
    const iterator = sub[Symbol.asyncIterator]();
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "subscribed");
    const pending = iterator.next();
    sub.unsubscribe();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    await until(() => t.hub.framesOf("unsubscribe").length === 1, "unsubscribe sent");
  });

  it("holds events until a consumer attaches: an iterator opened late still starts at the first one", async () => {
    t.hub.createDashboard("sales");
    t.hub.createDashboard("probe");
    const client = t.client();
    const sub = client.subscribe("dashboard:sales");
    const probe = new Recorder(client.subscribe("dashboard:probe"));
    await until(() => t.hub.sessions[0]?.channels.size === 2, "both subscribed");
    for (const _ of range(1, 3)) t.hub.append("sales", "snapshot.created");
    // Same socket, sent after: once the probe is delivered, the sales events have reached the client.
    t.hub.append("probe", "snapshot.created");
    await probe.waitForSeq(1);

    const seqs: number[] = [];
    for await (const event of sub) {
      seqs.push(event.seq);
      if (event.seq === 3) break;
    }
    expect(seqs).toEqual([1, 2, 3]);
  });
});
