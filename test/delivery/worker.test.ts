// The worker's loop: kicked rounds, polling for retries, and a stop that waits for the sends in flight.
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createDeliveryWorker } from "../../src/delivery/delivery-worker.js";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import { createWebhookChannel } from "../../src/delivery/webhook-channel.js";
import { alertingDashboard, newSecret, outbox } from "./helpers/delivery-fixture.js";
import { useDeliveryFixture } from "./helpers/use-delivery-fixture.js";
import type { Replier } from "./helpers/webhook-receiver.js";
import { memoryLogger, testConfig } from "./helpers/worker-config.js";

const suite = useDeliveryFixture();
const receiver = (reply?: Replier) => suite.receiver(reply);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const worker = (pollMs: number, logger = memoryLogger(), metrics?: Registry) =>
  createDeliveryWorker({
    store: createDrizzleDeliveryStore(suite.f.database.db),
    config: testConfig(),
    logger,
    metrics,
    now: suite.f.clock.now,
    pollMs,
    channels: { webhook: createWebhookChannel({ allowPrivate: true, timeoutMs: 2_000 }) },
  });

const hook = (url: string) => [{ kind: "webhook" as const, subscriberId: url, secret: newSecret() }];

describe("delivery worker loop", () => {
  it("delivers as soon as it is kicked, without waiting for the next poll", async () => {
    const r = await receiver();
    // A poll this long would time the test out: only kick() can make the delivery happen in time.
    const metrics = new Registry();
    const w = worker(3_600_000, memoryLogger(), metrics);
    w.start();
    await alertingDashboard(suite.f.store, "loop-kick", hook(r.url));
    w.kick();
    await r.arrived(1);
    await w.stop();
    expect(await outbox(suite.f.database, "loop-kick")).toMatchObject([{ status: "delivered" }]);
    expect(await metrics.getSingleMetricAsString("dashwatch_delivery_attempts_total")).toContain('channel="webhook",outcome="delivered"} 1');
  });

  it("picks up a due retry on its own poll", async () => {
    const r = await receiver((_req, n) => (n === 0 ? 500 : 200));
    const logger = memoryLogger();
    const w = worker(20, logger);
    await alertingDashboard(suite.f.store, "loop-poll", hook(r.url));
    w.start();
    await logger.logged("delivery attempt failed");
    suite.f.clock.advance(50);
    await r.arrived(2);
    await w.stop();
    expect(await outbox(suite.f.database, "loop-poll")).toMatchObject([{ status: "delivered", attempts: 2 }]);
  });

  it("waits, when stopped, for the send in flight and records its result", async () => {
    const release = gate();
    const r = await receiver(async () => {
      await release.opened;
      return 200;
    });
    const w = worker(3_600_000);
    await alertingDashboard(suite.f.store, "loop-stop", hook(r.url));
    w.start();
    await r.arrived(1);
    let stopped = false;
    const stopping = w.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release.open();
    await stopping;
    expect(await outbox(suite.f.database, "loop-stop")).toMatchObject([{ status: "delivered", attempts: 1 }]);
  });

  it("refuses a configuration it cannot run, naming every problem at once", () => {
    expect(() =>
      createDeliveryWorker({ store: createDrizzleDeliveryStore(suite.f.database.db), config: testConfig({ deliveryRetryScheduleMs: [] }), logger: memoryLogger(), pollMs: 0, concurrency: 0 }),
    ).toThrow(/retry schedule needs at least one entry.*pollMs must be a positive integer.*concurrency must be a positive integer/);
  });
});
