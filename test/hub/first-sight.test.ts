// First sight: the feeds of one persona channel that meet a dashboard live on the same alert share one
// store read, and each still starts at its own firstSightFrom (no alert before it, none missed after it).
import { describe, expect, it } from "vitest";
import { createFirstSight, FIRST_SIGHT_PAGE } from "../../src/hub/first-sight.js";
import type { LogEntry } from "../../src/protocol/event.js";
import type { EventQuery, Store } from "../../src/store/store.js";
import { commitSnapshot, startHarness, subscribePersona, yieldToIo, type Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";

const alertOf = (entries: LogEntry[], persona: string) => entries.find((e) => e.persona === persona)!;

/** The store with its event reads that carry a `from` (the first-sight reads) recorded. */
function counted(store: Store): { store: Store; reads: EventQuery[] } {
  const reads: EventQuery[] = [];
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === "readEvents") {
        return (d: string, q: EventQuery) => {
          if (q.from) reads.push(q);
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
      expect(reads).toHaveLength(1);
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
      expect(reads).toHaveLength(1);
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
    const last = alerts.at(-1)!.event.seq;
    const answers = await Promise.all([
      firstSight(d, "alice", from, last),
      firstSight(d, "alice", lateFrom, last),
      // The page ends exactly at its 16th alert: below it, this one is answered by the page alone.
      firstSight(d, "alice", lateFrom, alerts[FIRST_SIGHT_PAGE - 1]!.event.seq + 1),
      // Its own first alert is its live one: nothing before it is owed.
      firstSight(d, "alice", lateFrom, alerts[FIRST_SIGHT_PAGE]!.event.seq),
    ]);
    expect(answers).toEqual([alerts[0]!.event.seq, alerts[FIRST_SIGHT_PAGE]!.event.seq, undefined, undefined]);
    // The shared page, then one read each for the two whose live alert lies past it.
    expect(reads.map((q) => [q.afterSeq, q.limit])).toEqual([
      [0, FIRST_SIGHT_PAGE],
      [alerts[FIRST_SIGHT_PAGE - 1]!.event.seq, 1],
      [alerts[FIRST_SIGHT_PAGE - 1]!.event.seq, 1],
    ]);
  });
});
