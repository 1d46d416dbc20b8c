// First sight: the feeds of one persona channel that meet a dashboard live on the same alert share one
// store read, which also fills the hole before that alert when it holds the whole chain, and each feed
// still starts at its own firstSightFrom (no alert before it, none missed after it).
import { describe, expect, it } from "vitest";
import { createFirstSight, FIRST_SIGHT_PAGE } from "../../src/hub/first-sight.js";
import type { LogEntry } from "../../src/protocol/event.js";
import type { EventQuery, Store } from "../../src/store/store.js";
import { commitSnapshot, createDashboard, createTestStore, startHarness, subscribePersona, yieldToIo, type Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";

const alertOf = (entries: LogEntry[], persona: string) => entries.find((e) => e.persona === persona)!;

/** The store with its event reads recorded. */
function counted(store: Store): { store: Store; reads: EventQuery[] } {
  const reads: EventQuery[] = [];
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === "readEvents") {
        return (d: string, q: EventQuery) => {
          reads.push(q);
          return target.readEvents(d, q);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, reads };
}

/** Waits until the clock has moved past now: what is committed after is later than what was before. */
async function nextMs() {
  const t = Date.now();
  while (Date.now() <= t) await yieldToIo();
}

describe("first sight of a dashboard on a persona channel", () => {
  const t = hubTestContext("fs");
  let h: Harness | undefined;
  const start = async () => {
    const c = counted(t.store);
    h = await startHarness({ store: c.store, tuning: { firstSightSkewMs: 0 } });
    return c.reads;
  };
  const stop = async () => {
    await h?.close();
    h = undefined;
  };

  it("answers every feed of the channel with one store read", async () => {
    const reads = await start();
    try {
      const d = await t.newDashboard();
      await subscribePersona(t.store, d, "alice");
      await commitSnapshot(t.store, d); // baseline: no alert
      await commitSnapshot(t.store, d); // alice's first alert, before anyone listens
      await nextMs();
      const clients = await Promise.all(Array.from({ length: 5 }, () => h!.client("alice")));
      for (const c of clients) await c.subscribe("persona:alice");
      const a1 = alertOf(await commitSnapshot(t.store, d), "alice"); // committed, never published
      const a2 = alertOf(await commitSnapshot(t.store, d), "alice");
      await h!.hub.publish([a2]);
      for (const c of clients) {
        await c.waitUntil(() => c.events().length === 2);
        expect(c.events().map((e) => e.seq)).toEqual([a1.event.seq, a2.event.seq]);
      }
      // One read, with a time: it held a1 too, the hole each feed fills before a2.
      expect(reads.map((q) => q.from !== undefined)).toEqual([true]);
    } finally {
      await stop();
    }
  });

  it("starts each feed at its own firstSightFrom, in the same shared read", async () => {
    const reads = await start();
    try {
      const d = await t.newDashboard();
      await subscribePersona(t.store, d, "alice");
      await commitSnapshot(t.store, d);
      await commitSnapshot(t.store, d); // before both subscriptions: owed to neither
      await nextMs();
      const early = await h!.client("alice");
      await early.subscribe("persona:alice");
      const a1 = alertOf(await commitSnapshot(t.store, d), "alice"); // after early's subscription only
      await nextMs();
      const late = await h!.client("alice");
      await late.subscribe("persona:alice");
      const a2 = alertOf(await commitSnapshot(t.store, d), "alice");
      await h!.hub.publish([a2]);
      await early.waitUntil(() => early.events().length === 2);
      await late.waitUntil(() => late.events().length === 1);
      expect(early.events().map((e) => e.seq)).toEqual([a1.event.seq, a2.event.seq]);
      expect(late.events().map((e) => e.seq)).toEqual([a2.event.seq]);
      expect(reads.map((q) => q.from !== undefined)).toEqual([true]);
    } finally {
      await stop();
    }
  });

  it(`reads on alone for a feed whose answer lies beyond the shared page of ${FIRST_SIGHT_PAGE} alerts`, async () => {
    const d = await t.newDashboard();
    await subscribePersona(t.store, d, "alice");
    await commitSnapshot(t.store, d);
    const from = new Date();
    const alerts: LogEntry[] = [];
    for (let i = 0; i < FIRST_SIGHT_PAGE; i++) alerts.push(alertOf(await commitSnapshot(t.store, d), "alice"));
    await nextMs();
    const lateFrom = new Date();
    for (let i = 0; i < 2; i++) alerts.push(alertOf(await commitSnapshot(t.store, d), "alice"));
    const { store, reads } = counted(t.store);
    const firstSight = createFirstSight((id, q) => store.readEvents(id, q));
    const seq = (i: number) => alerts[i]!.event.seq;
    // A live alert between the page's last and the next: only its numbers matter here.
    const between = { ...alerts[FIRST_SIGHT_PAGE]!, event: { ...alerts[FIRST_SIGHT_PAGE]!.event, seq: seq(FIRST_SIGHT_PAGE - 1) + 1 } };
    const answers = await Promise.all([
      firstSight(d, "alice", from, alerts.at(-1)!),
      firstSight(d, "alice", from, alerts[3]!),
      firstSight(d, "alice", lateFrom, alerts.at(-1)!),
      // The page ends exactly at its 16th alert: below it, this one is answered by the page alone.
      firstSight(d, "alice", lateFrom, between),
      // Its own first alert is its live one: nothing before it is owed.
      firstSight(d, "alice", lateFrom, alerts[FIRST_SIGHT_PAGE]!),
    ]);
    expect(answers.map((a) => [a.first, a.alerts?.map((e) => e.event.seq)])).toEqual([
      // Owed from the first, but the hole before its live alert runs past the page: the feed reads it.
      [seq(0), undefined],
      [seq(0), [seq(0), seq(1), seq(2)]],
      [seq(FIRST_SIGHT_PAGE), undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
    // The shared page, then one read each for the two whose live alert lies past it.
    expect(reads.map((q) => [q.afterSeq, q.limit])).toEqual([
      [0, FIRST_SIGHT_PAGE],
      [seq(FIRST_SIGHT_PAGE - 1), 1],
      [seq(FIRST_SIGHT_PAGE - 1), 1],
    ]);
  });

  it("fills from the log when an alert between holds an earlier time than the feed's firstSightFrom", async () => {
    // Ingests that start in one order and commit in the other: a later seq with an earlier `at`.
    let clock: Date | null = null;
    const own = await createTestStore({ now: () => clock ?? new Date() });
    const { store, reads } = counted(own.store);
    const node = await startHarness({ store, tuning: { firstSightSkewMs: 0 } });
    try {
      const d = "fs-clock";
      await createDashboard(own.store, d);
      await subscribePersona(own.store, d, "alice");
      await commitSnapshot(own.store, d);
      await commitSnapshot(own.store, d);
      await nextMs();
      const c = await node.client("alice");
      await c.subscribe("persona:alice");
      const hour = 3_600_000;
      const commitAt = async (offset: number) => {
        clock = new Date(Date.now() + offset);
        return alertOf(await commitSnapshot(own.store, d), "alice");
      };
      const a1 = await commitAt(hour);
      const a2 = await commitAt(-hour); // committed after the subscription, stamped before it
      const a3 = await commitAt(hour);
      const a4 = await commitAt(hour);
      await node.hub.publish([a4]);
      await c.waitUntil(() => c.events().length === 4);
      expect(c.events().map((e) => e.seq)).toEqual([a1, a2, a3, a4].map((a) => a.event.seq));
      expect(c.gaps()).toEqual([]);
      // The shared page had a1, a3 and a4, no chain from a1 to a3: the hole was read without a time.
      expect(reads.filter((q) => q.from === undefined)).toHaveLength(1);
    } finally {
      await node.close();
      await own.close();
    }
  });
});
