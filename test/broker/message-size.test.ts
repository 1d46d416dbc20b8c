// What one snapshot costs the broker: its diff at most twice (the dashboard topic and the parts topic),
// plus a fixed amount per alert for its own fields and trace on each topic it travels, whatever K.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishEach, type Broker } from "../../src/broker/broker.js";
import { createMemoryBroker } from "../../src/broker/memory-broker.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import type { ChannelFeed } from "../../src/hub/channel-feed.js";
import { createChannelIndex } from "../../src/hub/channel-index.js";
import { createFanOut } from "../../src/hub/fan-out.js";
import type { LogEntry } from "../../src/protocol/event.js";
import type { Store } from "../../src/store/store.js";
import { createTestStore } from "../helpers/test-store.js";

let testStore: Awaited<ReturnType<typeof createTestStore>>;
let store: Store;
beforeAll(async () => {
  testStore = await createTestStore();
  store = testStore.store;
});
afterAll(() => testStore.close());

function recording(inner: Broker): Broker & { published: { topic: string; bytes: number }[] } {
  const published: { topic: string; bytes: number }[] = [];
  const broker: Broker & { published: typeof published } = {
    published,
    publish(topic, message) {
      published.push({ topic, bytes: Buffer.byteLength(message) });
      return inner.publish(topic, message);
    },
    publishAll: (messages) => publishEach(broker, messages),
    subscribe: (t, h) => inner.subscribe(t, h),
    unsubscribe: (t) => inner.unsubscribe(t),
    onStateChange: (l) => inner.onStateChange(l),
    get state() {
      return inner.state;
    },
    close: () => inner.close(),
  };
  return broker;
}

const rows = (round: number) =>
  Array.from({ length: 1000 }, (_, i) => ({ id: `row-${round === 0 || i % 10 !== 0 ? i : i + 5000}`, score: (i * 7919 + round * 104_729) % 10_007, n: i * (round + 1) }));

async function ingest(dashboardId: string, round: number): Promise<LogEntry[]> {
  const result = await store.ingestSnapshot({ dashboardId, rows: rows(round), primaryMetric: null, takenAt: null, actor: "p" });
  if (!result.ok) throw new Error(result.error);
  return result.value.entries;
}

/** Broker bytes for a 1 000-row snapshot matching k persona subscriptions, and its diff's JSON size. */
async function measure(k: number) {
  const d = `size-${k}`;
  await store.createDashboard(d, { ...DEFAULT_SETTINGS, rank_by: "score", top_n: 100 });
  for (let i = 0; i < k; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, k - i) }, (_, j) =>
        store.createSubscription(
          { dashboard_id: d, subscriber_kind: "persona", subscriber_id: `persona-${i + j}`, threshold_json: { set_added_min: 1 }, fallback: null, owner: "o" },
          { secret: null, fallback_secret: null },
          "o",
        ),
      ),
    );
  }
  await ingest(d, 0);
  const entries = await ingest(d, 1);
  expect(entries.filter((e) => e.event.kind === "alert.matched")).toHaveLength(k);
  const diff = entries[0]!.event.data.diff;
  expect(entries.every((e) => e.event.data.diff === diff)).toBe(true);

  const broker = recording(createMemoryBroker());
  const logger = pino({ level: "silent" });
  const index = createChannelIndex(broker, logger, () => {});
  // A node listening on the dashboard and on one persona: both get their events whole.
  const got: string[] = [];
  const feed = { offer: (entry: LogEntry) => got.push(`${entry.event.seq}`) > 0 };
  await index.join({ kind: "dashboard", id: d }, feed as unknown as ChannelFeed);
  await index.join({ kind: "persona", id: "persona-0" }, feed as unknown as ChannelFeed);
  const fanOut = createFanOut({ broker, store, index, logger, pageSize: 100, maxUnpublishedDashboards: 10 });
  await fanOut.publish(entries);
  for (let i = 0; i < 50 && got.length < k + 2; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(got).toHaveLength(k + 2);
  fanOut.close();
  await index.clear();
  await broker.close();
  return { bytes: broker.published.reduce((sum, p) => sum + p.bytes, 0), diffBytes: Buffer.byteLength(JSON.stringify(diff)), messages: broker.published.length };
}

describe("broker bytes per snapshot", () => {
  it("carry the diff at most twice and a fixed amount per alert, for K = 1, 100 and 1 000", async () => {
    const m1 = await measure(1);
    const m100 = await measure(100);
    const m1000 = await measure(1000);
    // The capped lists are full: this is the large-diff case.
    expect(m1.diffBytes).toBeGreaterThan(10_000);
    for (const [k, m] of [[1, m1], [100, m100], [1000, m1000]] as const) {
      expect(m.bytes, `K=${k}`).toBeLessThanOrEqual(2 * m.diffBytes + 1024 * k);
      // One message per topic: the dashboard, each persona, the parts.
      expect(m.messages).toBe(k + 2);
    }
    const perAlertTo100 = (m100.bytes - m1.bytes) / 99;
    const perAlertTo1000 = (m1000.bytes - m100.bytes) / 900;
    expect(perAlertTo100).toBeLessThan(1024);
    expect(perAlertTo1000).toBeLessThan(1024);
    // Linear in K: no alert makes the next one dearer (ids grow by a digit, hence the slack).
    expect(Math.abs(perAlertTo1000 - perAlertTo100)).toBeLessThan(32);
    console.log(`diff ${m1.diffBytes} B; broker bytes K=1 ${m1.bytes}, K=100 ${m100.bytes}, K=1000 ${m1000.bytes}; per alert ${perAlertTo100.toFixed(0)} / ${perAlertTo1000.toFixed(0)} B`);
  }, 120_000);
});
