// What baselines cost an ingest in queries: nothing when every subscription is on "previous" (the common
// case keeps its speed), and one query for all distinct at_offset_ms values however many subscriptions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { openDatabase } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import type { Store, SubscriptionInput } from "../../src/store/store.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let target: TestDatabase;
let store: Store;
let capturing = false;
const captured: string[] = [];

beforeAll(async () => {
  target = await createTestDatabase();
  const database = await openDatabase({ databaseUrl: target.url, queryLogger: { logQuery: (q) => void (capturing && captured.push(q)) } });
  store = createDrizzleStore(database);
});
afterAll(async () => {
  await store.close();
  await target.drop();
});

const T0 = Date.UTC(2026, 0, 1);
const OFFSET_LOOKUP = /interval '1 millisecond'/;

/** The queries of the third ingest on a dashboard whose subscriptions have these baselines. */
async function queriesOfAnIngest(id: string, baselines: SubscriptionInput["baseline"][]): Promise<string[]> {
  await store.createDashboard(id, DEFAULT_SETTINGS);
  for (const baseline of baselines) {
    await store.createSubscription(
      { dashboard_id: id, subscriber_kind: "persona", subscriber_id: "alice", threshold_json: { set_added_min: 1 }, fallback: null, owner: "alice", baseline },
      { secret: null, fallback_secret: null },
      "alice",
    );
  }
  const ingest = (n: number) => store.ingestSnapshot({ dashboardId: id, rows: Array.from({ length: n }, (_, i) => ({ id: `r${i}` })), primaryMetric: null, takenAt: new Date(T0 + n * 60_000), actor: "t" });
  await ingest(1);
  await ingest(2);
  captured.length = 0;
  capturing = true;
  const result = await ingest(3);
  capturing = false;
  expect(result.ok && result.value.alerts.length).toBe(baselines.length);
  return [...captured];
}

describe("baseline queries in ingest", () => {
  it("reads nothing more when every baseline is previous", async () => {
    const plain = await queriesOfAnIngest("bq-previous", ["previous", "previous", "previous", "previous"]);
    expect(plain.filter((q) => OFFSET_LOOKUP.test(q))).toEqual([]);
    const withOffsets = await queriesOfAnIngest("bq-offsets", ["previous", { at_offset_ms: 60_000 }, { at_offset_ms: 120_000 }, { at_offset_ms: 120_000 }]);
    // One lookup for both distinct offsets, and one read of the older baseline's rows: the snapshot cache
    // drops a snapshot once it is no longer its dashboard's latest (memory), so the first ingest that takes an
    // older one as its baseline reads it once; later ones find it cached.
    expect(withOffsets.filter((q) => OFFSET_LOOKUP.test(q))).toHaveLength(1);
    expect(withOffsets.length).toBe(plain.length + 2);
  });
});
