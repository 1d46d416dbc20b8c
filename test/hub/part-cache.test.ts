// Persona alerts name a diff that travels on another topic: across cluster shards it may arrive after the
// alert. The alert waits for it (in order behind its topic), and gives up after waitMs.
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryBroker } from "../../src/broker/memory-broker.js";
import { encodeCommit, PARTS_TOPIC } from "../../src/hub/batch.js";
import type { ChannelFeed } from "../../src/hub/channel-feed.js";
import { createChannelIndex } from "../../src/hub/channel-index.js";
import { createPartCache } from "../../src/hub/part-cache.js";
import type { LogEntry } from "../../src/protocol/event.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("part cache", () => {
  it("runs at once when every part is here, else when the last one arrives, in order per topic", () => {
    const cache = createPartCache();
    const ran: string[] = [];
    cache.put("a", "{}");
    cache.whenPresent("t1", ["a"], () => ran.push("t1 first"));
    cache.whenPresent("t1", ["b"], () => ran.push("t1 second"));
    cache.whenPresent("t1", ["a"], () => ran.push("t1 third"));
    cache.whenPresent("t2", ["a"], () => ran.push("t2"));
    expect(ran).toEqual(["t1 first", "t2"]);
    expect(cache.waiting).toBe(2);
    cache.put("b", "[]");
    expect(ran).toEqual(["t1 first", "t2", "t1 second", "t1 third"]);
    expect(cache.get("b")?.toString()).toBe("[]");
    cache.close();
  });

  it("gives up on a part that has not come within waitMs, and lets the topic go on", () => {
    vi.useFakeTimers();
    const cache = createPartCache({ waitMs: 1000 });
    const ran: string[] = [];
    cache.whenPresent("t", ["never"], () => ran.push("lost"));
    cache.whenPresent("t", [], () => ran.push("next"));
    vi.advanceTimersByTime(900);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(400);
    expect(ran).toEqual(["lost", "next"]);
    expect(cache.waiting).toBe(0);
    cache.close();
  });

  it("keeps at most maxParts parts and maxWaiting waiting messages", () => {
    const cache = createPartCache({ maxParts: 2, maxWaiting: 1 });
    cache.put("a", "1");
    cache.put("b", "2");
    cache.put("c", "3");
    expect([cache.get("a"), cache.get("b")?.toString(), cache.get("c")?.toString()]).toEqual([undefined, "2", "3"]);
    const ran: string[] = [];
    cache.whenPresent("t", ["x"], () => ran.push("first"));
    cache.whenPresent("u", ["y"], () => ran.push("second"));
    // One over the bound: the oldest runs as it is, the newer one still waits.
    expect(ran).toEqual(["first"]);
    expect(cache.waiting).toBe(1);
    cache.close();
  });
});

describe("channel index with parts arriving late", () => {
  it("delivers a persona alert whose diff comes after it, whole", async () => {
    const broker = createMemoryBroker();
    const index = createChannelIndex(broker, pino({ level: "silent" }), () => {});
    const frames: string[] = [];
    const feed = { offer: (_entry: LogEntry, frame: Buffer) => frames.push(frame.subarray(frame[1] === 126 ? 4 : frame[1] === 127 ? 10 : 2).toString()) > 0 };
    await index.join({ kind: "persona", id: "ann" }, feed as unknown as ChannelFeed);
    const diff = { top_n_changes: [], counts: { top_n_changes: 0 } };
    const at = new Date(0).toISOString();
    const entries: LogEntry[] = [
      { event: { dashboard_id: "d", seq: 1, kind: "snapshot.created", at, actor: "p", data: { snapshot_id: "s", diff } }, persona: null, prev_seq: null },
      { event: { dashboard_id: "d", seq: 2, kind: "alert.matched", at, actor: "p", data: { snapshot_id: "s", diff, trace: { node: "x" } } }, persona: "ann", prev_seq: 0 },
    ];
    const { messages } = encodeCommit(entries, 0);
    const parts = messages.find((m) => m.topic === PARTS_TOPIC)!;
    const alert = messages.find((m) => m.topic === "dw:persona:ann")!;
    await broker.publish(alert.topic, alert.message);
    await new Promise((resolve) => setImmediate(resolve));
    expect(frames).toEqual([]);
    await broker.publish(parts.topic, parts.message);
    await new Promise((resolve) => setImmediate(resolve));
    expect(frames).toHaveLength(1);
    expect(JSON.parse(frames[0]!)).toEqual({ type: "event", channel: "persona:ann", ...entries[1]!.event, prev_seq: 0 });
    await index.clear();
    await broker.close();
  });
});
