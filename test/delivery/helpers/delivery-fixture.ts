// A real store and a Db handle on one database (PGlite in memory must be shared), with a clock the test moves.
import { asc, eq } from "drizzle-orm";
import { openDatabase, type Database } from "../../../src/store/database.js";
import { createDrizzleStore } from "../../../src/store/drizzle-store.js";
import { deliveries } from "../../../src/store/schema.js";
import type { Fallback, IngestOutcome, Store, SubscriberKind } from "../../../src/store/store.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.js";

export interface ManualClock {
  now(): Date;
  advance(ms: number): void;
}

export function manualClock(start = new Date()): ManualClock {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export interface DeliveryFixture {
  database: Database;
  store: Store;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function createDeliveryFixture(testDatabase?: TestDatabase): Promise<DeliveryFixture> {
  const target = testDatabase ?? (await createTestDatabase());
  const database = await openDatabase({ databaseUrl: target.url, poolSize: 4 });
  const clock = manualClock();
  const store = createDrizzleStore(database, { now: clock.now });
  return {
    database,
    store,
    clock,
    async close() {
      await store.close();
      if (!testDatabase) await target.drop();
    },
  };
}

export interface SubscriptionSpec {
  kind: SubscriberKind;
  subscriberId: string;
  secret?: string | null;
  fallback?: Fallback | null;
  fallbackSecret?: string | null;
}

/** A fresh whsec_ secret, as the HTTP layer makes them. */
export const newSecret = () => `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64")}`;

const scores = (n: number) => ({ rows: [{ id: "a", score: 8 + n }, { id: "b", score: 5 }, { id: "c", score: 1 + n }] });

/**
 * A dashboard with these subscriptions (all alerting on any score change), a baseline snapshot and `alerts`
 * more snapshots, each of which matches every subscription.
 */
export async function alertingDashboard(store: Store, dashboardId: string, specs: SubscriptionSpec[], alerts = 1, name: string | null = null) {
  const created = await store.createDashboard(dashboardId, {
    name,
    id_field: "id",
    rank_by: "score",
    top_n: 10,
    primary_metric_field: null,
    metadata: {},
    source_url: null,
  });
  if (!created.ok) throw new Error(`dashboard ${dashboardId} exists`);
  const subscriptions = [];
  for (const spec of specs) {
    const { subscription } = await store.createSubscription(
      {
        dashboard_id: dashboardId,
        subscriber_kind: spec.kind,
        subscriber_id: spec.subscriberId,
        threshold_json: { value_delta_pct: 0, on_field: "score" },
        fallback: spec.fallback ?? null,
        owner: "tester",
      },
      { secret: spec.secret ?? null, fallback_secret: spec.fallbackSecret ?? null },
      "tester",
    );
    subscriptions.push(subscription);
  }
  const snapshots: IngestOutcome[] = [];
  for (let n = 0; n <= alerts; n++) {
    const result = await store.ingestSnapshot({
      dashboardId,
      ...scores(n * 2),
      primaryMetric: null,
      takenAt: new Date(Date.UTC(2024, 0, 1, 0, n)),
      actor: "publisher",
    });
    if (!result.ok) throw new Error(`ingest failed: ${result.error}`);
    snapshots.push(result.value);
  }
  return { subscriptions, snapshots };
}

/** The outbox rows of a dashboard, oldest seq first. */
export async function outbox(database: Database, dashboardId: string) {
  return database.db.select().from(deliveries).where(eq(deliveries.dashboardId, dashboardId)).orderBy(asc(deliveries.seq), asc(deliveries.channel));
}
