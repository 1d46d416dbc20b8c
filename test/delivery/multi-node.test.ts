// Several hub nodes share one outbox on PostgreSQL: each job goes to one node at a time, and a node that
// dies mid-send gives its jobs back when the lease runs out.
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryQueue } from "../../src/delivery/delivery-queue.js";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import { createDeliveryWorker } from "../../src/delivery/delivery-worker.js";
import { createWebhookChannel } from "../../src/delivery/webhook-channel.js";
import { openDatabase, type Database } from "../../src/store/database.js";
import { deliveries } from "../../src/store/schema.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";
import { alertingDashboard, createDeliveryFixture, manualClock, newSecret, outbox, type DeliveryFixture } from "./helpers/delivery-fixture.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";
import { memoryLogger, testConfig } from "./helpers/worker-config.js";

let pg: TestDatabase;
let f: DeliveryFixture;
let other: Database;
let hooks: WebhookReceiver;
beforeAll(async () => {
  // Always PostgreSQL, whatever TEST_STORE says: PGlite is one process, so it has no second node.
  pg = await createPostgresDatabase();
  f = await createDeliveryFixture(pg);
  [other, hooks] = await Promise.all([openDatabase({ databaseUrl: pg.url, poolSize: 4 }), startWebhookReceiver(firstTryFailsForEveryThirdSeq())]);
});
afterAll(async () => {
  await Promise.all([f?.close(), other?.close(), hooks?.close()]);
  await pg?.drop();
});

function firstTryFailsForEveryThirdSeq() {
  const seen = new Set<string>();
  return (req: { headers: Record<string, unknown> }) => {
    const id = String(req.headers["webhook-id"]);
    const first = !seen.has(id);
    seen.add(id);
    return first && Number(id.split(":")[1]) % 3 === 0 ? 500 : 200;
  };
}

const pending = async (db: Database) =>
  (await db.db.select({ n: count() }).from(deliveries).where(eq(deliveries.status, "pending")))[0]!.n;

describe("several nodes on one outbox", () => {
  it("delivers every job exactly once per successful attempt when two workers claim concurrently", async () => {
    const dashboards = ["mn-one", "mn-two"];
    const secret = newSecret();
    const subs = [0, 1, 2].map((i) => ({ kind: "webhook" as const, subscriberId: `${hooks.url}/${i}`, secret }));
    for (const id of dashboards) await alertingDashboard(f.store, id, subs, 20);
    const jobs = (await outbox(f.database, "mn-one")).length + (await outbox(f.database, "mn-two")).length;
    expect(jobs).toBe(120);

    const config = testConfig({ deliveryRetryScheduleMs: [0, 0, 0] });
    const node = (database: Database) =>
      createDeliveryWorker({
        store: createDrizzleDeliveryStore(database.db),
        config,
        logger: memoryLogger(),
        channels: { webhook: createWebhookChannel({ allowPrivate: true, timeoutMs: 2_000 }) },
        batchSize: 8,
        concurrency: 4,
      });
    const handled = [0, 0];
    const drain = async (worker: ReturnType<typeof node>, i: number) => {
      // Bounded: 120 jobs and 40 retries need far fewer rounds than this.
      for (let round = 0; round < 200; round++) {
        const n = await worker.runOnce();
        handled[i]! += n;
        if (n === 0 && (await pending(f.database)) === 0) return;
      }
      throw new Error("the outbox did not drain");
    };
    await Promise.all([drain(node(f.database), 0), drain(node(other), 1)]);

    const failedFirst = [...hooks.accepted.keys()].filter((id) => Number(id.split(":")[1]) % 3 === 0).length;
    expect(hooks.accepted.size).toBe(120);
    expect([...hooks.accepted.values()].every((n) => n === 1)).toBe(true);
    expect(hooks.requests).toHaveLength(120 + failedFirst);
    expect(handled[0]! + handled[1]!).toBe(120 + failedFirst);
    expect(handled[0]).toBeGreaterThan(0);
    expect(handled[1]).toBeGreaterThan(0);
    const rows = [...(await outbox(f.database, "mn-one")), ...(await outbox(f.database, "mn-two"))];
    expect(rows.every((r) => r.status === "delivered")).toBe(true);
    expect(rows.filter((r) => r.attempts === 2)).toHaveLength(failedFirst);
  });

  it("never hands the same job to two concurrent claims", async () => {
    await alertingDashboard(f.store, "mn-claims", [{ kind: "email", subscriberId: "claims@example.com" }], 30);
    const queues = [f.database, other].map((d) => createDeliveryQueue(createDrizzleDeliveryStore(d.db), { schedule: [0], leaseMs: 60_000 }));
    const ids: string[] = [];
    // Bursts of 12 concurrent claims from two pools until nothing is left; bounded like every loop here.
    for (let burst = 0; burst < 10; burst++) {
      const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => queues[i % 2]!.claim(5, ["email"])));
      const got = claims.flatMap((c) => c.jobs.map((j) => j.job.id));
      if (got.length === 0) break;
      ids.push(...got);
    }
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it("gives a job whose lease ran out to another node and drops the late node's result", async () => {
    await alertingDashboard(f.store, "mn-lease", [{ kind: "email", subscriberId: "lease@example.com" }]);
    const clockA = manualClock();
    const clockB = manualClock();
    const a = createDeliveryQueue(createDrizzleDeliveryStore(f.database.db), { schedule: [0], leaseMs: 10_000, now: clockA.now });
    const b = createDeliveryQueue(createDrizzleDeliveryStore(other.db), { schedule: [0], leaseMs: 10_000, now: clockB.now });

    const [taken] = (await a.claim(10, ["email"])).jobs;
    expect(taken!.job.target).toBe("lease@example.com");
    expect((await b.claim(10, ["email"])).jobs).toHaveLength(0);
    clockB.advance(10_000);
    const [retaken] = (await b.claim(10, ["email"])).jobs;
    expect(retaken!.job.id).toBe(taken!.job.id);

    expect(await a.record(taken!, { ok: true })).toBe("lease-lost");
    expect(await b.record(retaken!, { ok: true })).toBe("delivered");
    expect(await outbox(f.database, "mn-lease")).toMatchObject([{ status: "delivered", attempts: 1 }]);
  });
});
