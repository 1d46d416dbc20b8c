import { describe, expect, it } from "vitest";
import { useHub } from "./harness.js";
import { Recorder, range, until } from "./helpers.js";

describe("filling what the live stream missed", () => {
  const t = useHub();

  async function subscribed(channel: string, options: Parameters<ReturnType<typeof t.client>["subscribe"]>[1] = {}, pageSize?: number) {
    const client = t.client(pageSize === undefined ? {} : { replayPageSize: pageSize });
    const seen = new Recorder(client.subscribe(channel, options));
    await until(() => t.hub.sessions.at(-1)?.channels.has(channel), `subscribed to ${channel}`);
    return seen;
  }

  it("fetches a hole in dashboard seqs over HTTP, page by page, before the event that revealed it", async () => {
    t.hub.createDashboard("sales");
    const seen = await subscribed("dashboard:sales", {}, 2);
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(1);
    for (const _ of range(2, 6)) t.hub.append("sales", "snapshot.created", { live: false });
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(7);

    expect(seen.seqs).toEqual(range(1, 7));
    const pages = t.hub.eventRequests();
    expect(pages.map((q) => q.get("after_seq"))).toEqual(["1", "3", "5"]);
    expect(pages.every((q) => q.get("limit") === "2" && q.get("persona") === null)).toBe(true);
    const session = t.hub.sessions[0];
    expect(t.hub.requests.at(-1)?.authorization).toBe(`Bearer ${session?.token}`);
    expect(seen.gaps).toEqual([]);
  });

  it("asks for 1000 events per page by default", async () => {
    t.hub.createDashboard("sales");
    const seen = await subscribed("dashboard:sales");
    t.hub.append("sales", "snapshot.created");
    t.hub.append("sales", "snapshot.created", { live: false });
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(3);
    expect(t.hub.eventRequests()[0]?.get("limit")).toBe("1000");
  });

  it("fills a recoverable gap frame transparently: no gap reaches the application", async () => {
    t.hub.createDashboard("sales");
    const seen = await subscribed("dashboard:sales");
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(1);
    for (const _ of range(2, 4)) t.hub.append("sales", "snapshot.created", { live: false });
    t.hub.sendToAll({ type: "gap", channel: "dashboard:sales", dashboard_id: "sales", from_seq: 2, to_seq: 4, reason: "broker_outage", recoverable: true });
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(5);

    expect(seen.seqs).toEqual([1, 2, 3, 4, 5]);
    expect(seen.gaps).toEqual([]);
    expect(t.hub.eventRequests().map((q) => q.get("after_seq"))).toEqual(["1"]);
  });

  it("delivers what the log still has of an unrecoverable gap and surfaces the rest as one gap, in place", async () => {
    t.hub.createDashboard("sales");
    const seen = await subscribed("dashboard:sales");
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(1);
    for (const _ of range(2, 5)) t.hub.append("sales", "snapshot.created", { live: false });
    t.hub.prune("sales", 2, 3);
    t.hub.sendToAll({ type: "gap", channel: "dashboard:sales", dashboard_id: "sales", from_seq: 2, to_seq: 5, reason: "retention", recoverable: false });
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(6);

    expect(seen.timeline).toEqual([{ event: 1 }, { gap: [2, 3] }, { event: 4 }, { event: 5 }, { event: 6 }]);
    expect(seen.gaps).toEqual([{ channel: "dashboard:sales", dashboard_id: "sales", from_seq: 2, to_seq: 3, reason: "retention" }]);
  });

  it("surfaces a gap once when resuming from a position the hub no longer retains", async () => {
    t.hub.createDashboard("sales");
    for (const _ of range(1, 5)) t.hub.append("sales", "snapshot.created");
    t.hub.prune("sales", 1, 3);
    const seen = await subscribed("dashboard:sales", { since: { sales: 0 } });
    await seen.waitForSeq(5);
    expect(seen.timeline).toEqual([{ gap: [1, 3] }, { event: 4 }, { event: 5 }]);
  });

  it("on a persona channel, replays with the persona filter when prev_seq is ahead of the last delivered alert", async () => {
    t.hub.createDashboard("sales");
    const seen = await subscribed("persona:alice");
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    await seen.waitForSeq(1);
    t.hub.append("sales", "snapshot.created");
    t.hub.append("sales", "alert.matched", { persona: "bob" });
    t.hub.append("sales", "alert.matched", { persona: "alice", live: false });
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    await seen.waitForSeq(5);

    expect(seen.seqs).toEqual([1, 4, 5]);
    const [query] = t.hub.eventRequests();
    expect(query?.get("persona")).toBe("alice");
    expect(query?.get("after_seq")).toBe("1");
  });

  it("on a persona channel, takes prev_seq equal to the last delivered alert as silence, not loss", async () => {
    t.hub.createDashboard("sales");
    const seen = await subscribed("persona:alice");
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    t.hub.append("sales", "snapshot.created");
    t.hub.append("sales", "alert.matched", { persona: "bob" });
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    await seen.waitForSeq(4);
    expect(seen.seqs).toEqual([1, 4]);
    expect(t.hub.eventRequests()).toEqual([]);
  });

  it("on a persona channel, surfaces a gap when the previous alert is gone from the log", async () => {
    t.hub.createDashboard("sales");
    const seen = await subscribed("persona:alice");
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    await seen.waitForSeq(1);
    t.hub.append("sales", "alert.matched", { persona: "alice", live: false });
    t.hub.prune("sales", 2, 2);
    t.hub.append("sales", "alert.matched", { persona: "alice" });
    await seen.waitForSeq(3);
    expect(seen.timeline).toEqual([{ event: 1 }, { gap: [2, 2] }, { event: 3 }]);
  });

  it("when the log cannot be read, reports replay-failed and resubscribes so that the hub replays from since", async () => {
    t.hub.createDashboard("sales");
    const seen = await subscribed("dashboard:sales");
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(1);
    t.hub.failRequests = 3;
    t.hub.append("sales", "snapshot.created", { live: false });
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(3);

    expect(seen.seqs).toEqual([1, 2, 3]);
    expect(seen.errors.map((e) => [e.code, e.fatal])).toEqual([["replay-failed", false]]);
    expect(t.hub.eventRequests()).toHaveLength(3);
    expect(t.hub.framesOf("subscribe").at(-1)?.since).toEqual({ sales: 1 });
  });
});
