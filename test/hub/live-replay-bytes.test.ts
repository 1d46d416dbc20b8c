// A live event frame and the frame a `since` replay sends for the same event are the same bytes: the live
// one is built from a broker message (bodies cut around a shared diff), the replayed one from the log
// (data back from jsonb with its keys reordered, the diff joined from the snapshot row).
import fc from "fast-check";
import { pino } from "pino";
import type WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryBroker } from "../../src/broker/memory-broker.js";
import type { Baseline } from "../../src/core/baseline.js";
import type { Rule } from "../../src/core/types.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import type { ChannelFeed } from "../../src/hub/channel-feed.js";
import { createChannelIndex } from "../../src/hub/channel-index.js";
import { createFanOut } from "../../src/hub/fan-out.js";
import { encodeEventFrame } from "../../src/hub/wire.js";
import type { LogEntry } from "../../src/protocol/event.js";
import type { Store } from "../../src/store/store.js";
import { createTestStore, startHarness, type Harness } from "./helpers/hub-harness.js";

let testStore: Awaited<ReturnType<typeof createTestStore>>;
let store: Store;
beforeAll(async () => {
  testStore = await createTestStore();
  store = testStore.store;
});
afterAll(() => testStore.close());

const FIELDS = ["score", "é", "a b", "v"] as const;
const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null));
const row = fc
  .tuple(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), value, value, value)
  .map(([score, e, ab, v]) => ({ score, "é": e, "a b": ab, v }));
const rows = fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.string({ minLength: 1, maxLength: 5 })), { maxLength: 30 }).chain((ids) =>
  fc.tuple(...ids.map(() => row)).map((values) => ids.map((id, i) => ({ id, ...values[i] }))),
);
const leaf: fc.Arbitrary<Rule> = fc.oneof(
  fc.integer({ min: 1, max: 5 }).map((n) => ({ top_n_reordering: n })),
  fc.tuple(fc.double({ min: 0, max: 2, noNaN: true }), fc.constantFrom(...FIELDS)).map(([p, f]) => ({ value_delta_pct: p, on_field: f })),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ set_added_min: n })),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ set_removed_min: n })),
);
const rule: fc.Arbitrary<Rule> = fc.oneof(
  leaf,
  fc.array(leaf, { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
  fc.array(leaf, { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
  leaf.map((not) => ({ not })),
);
// Rules v2: baselines other than the snapshot before give alerts their own diff; a resolving lifecycle adds alert.resolved.
const baseline = fc.constantFrom<Baseline>("previous", "last_notified", { at_offset_ms: 120_000 });
const lifecycle = fc.constantFrom(undefined, { for_snapshots: 1, resolve: true, resolve_after_snapshots: 1, cooldown_ms: 0 });
const personas = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 });

let dashboards = 0;

/** `minute`: an explicit taken_at, so that an at_offset_ms baseline finds an older snapshot (an alert with its own diff). */
async function ingest(dashboardId: string, snapshotRows: Record<string, unknown>[], minute?: number): Promise<LogEntry[]> {
  const result = await store.ingestSnapshot({
    dashboardId,
    rows: snapshotRows as never,
    primaryMetric: null,
    takenAt: minute === undefined ? null : new Date(Date.UTC(2026, 0, 1, 0, minute)),
    actor: "publisher",
  });
  if (!result.ok) throw new Error(result.error);
  return result.value.entries;
}

/** The frames the live path builds for every channel: fan-out → broker message → channel index. */
async function liveFrames(channels: { name: string; kind: "dashboard" | "persona"; id: string }[], entries: LogEntry[]) {
  const broker = createMemoryBroker();
  const logger = pino({ level: "silent" });
  const index = createChannelIndex(broker, logger, () => {});
  const fanOut = createFanOut({ broker, store, index, logger, pageSize: 100, maxUnpublishedDashboards: 10 });
  const frames = new Map<string, Buffer>();
  let expected = 0;
  for (const c of channels) {
    expected += entries.filter((e) => (c.kind === "dashboard" ? true : e.persona === c.id)).length;
    const feed = { offer: (entry: LogEntry, frame: Buffer) => frames.set(`${c.name}#${entry.event.seq}`, frame) !== undefined };
    await index.join({ kind: c.kind, id: c.id }, feed as unknown as ChannelFeed);
  }
  await fanOut.publish(entries);
  for (let i = 0; i < 100 && frames.size < expected; i++) await new Promise((resolve) => setImmediate(resolve));
  fanOut.close();
  await index.clear();
  await broker.close();
  expect(frames.size).toBe(expected);
  return frames;
}

describe("live and replayed event frames", () => {
  it("are byte-identical for generated snapshots, subscriptions and persona alerts", async () => {
    await fc.assert(
      fc.asyncProperty(rows, rows, rows, fc.tuple(personas, fc.array(fc.tuple(rule, baseline, lifecycle), { minLength: 1, maxLength: 4 })), async (before, after, last, [who, rules]) => {
        const d = `prop-${++dashboards}`;
        await store.createDashboard(d, { ...DEFAULT_SETTINGS, rank_by: "score", top_n: 5 });
        const created: LogEntry[] = [];
        for (const [i, [threshold, base, cycle]] of rules.entries()) {
          const persona = who[i % who.length]!;
          const { entries } = await store.createSubscription(
            { dashboard_id: d, subscriber_kind: "persona", subscriber_id: persona, threshold_json: threshold, fallback: null, owner: persona, baseline: base, lifecycle: cycle },
            { secret: null, fallback_secret: null },
            persona,
          );
          created.push(...entries);
        }
        const entries = [...created, ...(await ingest(d, before, 0)), ...(await ingest(d, after, 1)), ...(await ingest(d, last, 2))];
        const channels = [{ name: `dashboard:${d}`, kind: "dashboard" as const, id: d }, ...who.map((p) => ({ name: `persona:${p}`, kind: "persona" as const, id: p }))];
        const live = await liveFrames(channels, entries);

        const replayed = new Map<string, Buffer>();
        for (const c of channels) {
          const page = await store.readEvents(d, { afterSeq: 0, limit: 1000, persona: c.kind === "persona" ? c.id : undefined });
          for (const e of page.entries) replayed.set(`${c.name}#${e.event.seq}`, encodeEventFrame(c.name, e, c.kind === "persona"));
        }
        expect([...replayed.keys()].sort()).toEqual([...live.keys()].sort());
        for (const [key, frame] of live) expect(frame.toString("latin1"), key).toBe(replayed.get(key)!.toString("latin1"));
        // What the client parses is the event as the log holds it.
        for (const [key, frame] of replayed) {
          const seq = Number(key.slice(key.lastIndexOf("#") + 1));
          const { type, channel, prev_seq, ...event } = JSON.parse(frame.subarray(frame[1]! === 126 ? 4 : frame[1]! === 127 ? 10 : 2).toString());
          void type, void channel, void prev_seq;
          expect(event).toEqual(JSON.parse(JSON.stringify(entries.find((e) => e.event.seq === seq)!.event)));
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe("through a real hub and WebSocket clients", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store });
  });
  afterAll(() => h.close());

  const rawFrames = (ws: WebSocket) => {
    const out: Buffer[] = [];
    ws.on("message", (data: Buffer) => {
      if (data.subarray(0, 16).toString() === '{"type":"event",') out.push(data);
    });
    return out;
  };

  it("sends the same bytes live as a since replay sends afterwards, on dashboard and persona channels", async () => {
    const d = "bytes-e2e";
    await store.createDashboard(d, { ...DEFAULT_SETTINGS, rank_by: "score", top_n: 3 });
    for (const persona of ["ann", "bo"]) {
      await store.createSubscription(
        { dashboard_id: d, subscriber_kind: "persona", subscriber_id: persona, threshold_json: { or: [{ top_n_reordering: 2 }, { set_added_min: 1 }] }, fallback: null, owner: persona },
        { secret: null, fallback_secret: null },
        persona,
      );
    }
    await ingest(d, [{ id: "a", score: 3 }, { id: "b", score: 2 }]);
    const head = (await store.getDashboard(d))!.head_seq;

    const live = await h.client("ann", ["admin"]);
    const liveRaw = rawFrames(live.ws);
    await live.subscribe(`dashboard:${d}`);
    await live.subscribe("persona:ann");
    const entries = await ingest(d, [{ id: "b", score: 9, "é": "ü" }, { id: "a", score: 3 }, { id: "c", score: 1 }]);
    await h.hub.publish(entries);
    // The client's own listener runs first; the raw bytes are kept by the next one, in the same turn.
    await live.waitUntil(() => live.events().length === entries.length + 1);

    const replay = await h.client("ann", ["admin"]);
    const replayRaw = rawFrames(replay.ws);
    await replay.subscribe(`dashboard:${d}`, { [d]: head });
    await replay.subscribe("persona:ann", { [d]: head });
    await replay.waitUntil(() => replay.events().length === entries.length + 1);
    expect(liveRaw).toHaveLength(entries.length + 1);
    expect(replayRaw).toHaveLength(entries.length + 1);

    const key = (b: Buffer) => {
      const f = JSON.parse(b.toString()) as { channel: string; seq: number };
      return `${f.channel}#${f.seq}`;
    };
    const byKey = (list: Buffer[]) => new Map(list.map((b) => [key(b), b]));
    const a = byKey(liveRaw);
    const b = byKey(replayRaw);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [k, bytes] of a) expect(bytes.equals(b.get(k)!), k).toBe(true);
    live.close();
    replay.close();
  });
});
