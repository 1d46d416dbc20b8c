import { describe, expect, it } from "vitest";
import { memoryStorage, type PositionStorage } from "../src/index.js";
import { useHub } from "./harness.js";
import { changed, Recorder, range, until } from "./helpers.js";

describe("resuming", () => {
  const t = useHub();

  it("resubscribes with since = last delivered seq after the hub closes the connection", async () => {
    t.hub.createDashboard("sales");
    const sub = t.client().subscribe("dashboard:sales");
    const seen = new Recorder(sub);
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "first subscribe");
    t.hub.append("sales", "snapshot.created");
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(2);

    t.hub.closeAll(1001, "going away");
    // Committed while the client is away: only `since` can bring them back.
    t.hub.append("sales", "snapshot.created");
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(4);

    const subscribes = t.hub.framesOf("subscribe");
    expect(subscribes.map((f) => f.since)).toEqual([{ sales: 0 }, { sales: 2 }]);
    expect(seen.seqs).toEqual([1, 2, 3, 4]);
  });

  it("resumes after a 4408 slow-consumer close as after any other", async () => {
    t.hub.createDashboard("ops");
    const seen = new Recorder(t.client().subscribe("dashboard:ops"));
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:ops"), "first subscribe");
    t.hub.append("ops", "snapshot.created");
    await seen.waitForSeq(1);
    t.hub.closeAll(4408, "slow consumer");
    t.hub.append("ops", "snapshot.created");
    await seen.waitForSeq(2);
    expect(t.hub.sessions).toHaveLength(2);
    expect(seen.seqs).toEqual([1, 2]);
  });

  it("never delivers a seq twice: a resent frame and an overlapping replay are dropped", async () => {
    t.hub.createDashboard("sales");
    const sub = t.client().subscribe("dashboard:sales");
    const seen = new Recorder(sub);
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "first subscribe");
    for (const _ of range(1, 3)) t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(3);
    t.hub.sendToAll(t.hub.frame("dashboard:sales", "sales", 2));

    // A sloppy hub replays the whole log on resubscribe; the client must still deliver each seq once.
    t.hub.ignoreSince = true;
    t.hub.closeAll(1001);
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(4);
    expect(seen.seqs).toEqual([1, 2, 3, 4]);
  });

  it("keeps the last delivered seq in storage, and a new client resumes from it", async () => {
    const values = new Map<string, string>();
    // Async on purpose: storage may be IndexedDB, a file, AsyncStorage.
    const storage: PositionStorage = {
      get: async (key) => values.get(key),
      set: async (key, value) => {
        values.set(key, value);
        changed();
      },
    };
    t.hub.createDashboard("sales");
    const first = t.client({ storage });
    const seen = new Recorder(first.subscribe("dashboard:sales"));
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "first subscribe");
    for (const _ of range(1, 3)) t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(3);
    await until(() => values.get("dashwatch:since:dashboard:sales") === JSON.stringify({ sales: 3 }), "position saved");
    first.close();

    t.hub.append("sales", "snapshot.created");
    t.hub.append("sales", "snapshot.created");
    const again = new Recorder(t.client({ storage }).subscribe("dashboard:sales"));
    await again.waitForSeq(5);
    expect(t.hub.framesOf("subscribe").at(-1)?.since).toEqual({ sales: 3 });
    expect(again.seqs).toEqual([4, 5]);
  });

  it("lets an explicit since win over the stored position", async () => {
    const storage = memoryStorage();
    await storage.set("dashwatch:since:dashboard:sales", JSON.stringify({ sales: 3 }));
    t.hub.createDashboard("sales");
    for (const _ of range(1, 4)) t.hub.append("sales", "snapshot.created");
    const seen = new Recorder(t.client({ storage }).subscribe("dashboard:sales", { since: { sales: 1 } }));
    await seen.waitForSeq(4);
    expect(seen.seqs).toEqual([2, 3, 4]);
  });
});
