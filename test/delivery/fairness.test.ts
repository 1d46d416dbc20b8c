// One slow webhook endpoint cannot hold every send slot: sends are bounded per target, and jobs for other
// targets pass the slow one's queue. Two real receivers on loopback; the slow one answers only when told.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createDeliveryWorker } from "../../src/delivery/delivery-worker.js";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import { createWebhookChannel } from "../../src/delivery/webhook-channel.js";
import { alertingDashboard, newSecret, outbox } from "./helpers/delivery-fixture.js";
import { useDeliveryFixture } from "./helpers/use-delivery-fixture.js";
import { memoryLogger, testConfig } from "./helpers/worker-config.js";

const suite = useDeliveryFixture();
const ALERTS = 12;

describe("fair delivery", () => {
  it("keeps sending to a fast endpoint while a slow one holds only its per-target share of the slots", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = await suite.receiver(async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await released;
      inFlight--;
      return 204;
    });
    const fast = await suite.receiver(() => 204);
    await alertingDashboard(
      suite.f.store,
      "fair",
      [slow.url, fast.url].map((url) => ({ kind: "webhook" as const, subscriberId: `${url}/hook`, secret: newSecret() })),
      ALERTS,
    );
    const w = createDeliveryWorker({
      store: createDrizzleDeliveryStore(suite.f.database.db),
      config: testConfig({ deliveryMaxPerTarget: 2 }),
      logger: memoryLogger(),
      now: suite.f.clock.now,
      pollMs: 20,
      concurrency: 4,
      channels: { webhook: createWebhookChannel({ allowPrivate: true, timeoutMs: 10_000 }) },
    });
    w.start();
    try {
      await fast.arrived(ALERTS);
      expect(slow.requests).toHaveLength(2);
      release();
      await slow.arrived(ALERTS);
    } finally {
      release();
      await w.stop();
    }
    expect(maxInFlight).toBe(2);
    const rows = await outbox(suite.f.database, "fair");
    expect(rows).toHaveLength(2 * ALERTS);
    expect(rows.every((r) => r.status === "delivered" && r.attempts === 1)).toBe(true);
  }, 30_000);

  it("reads DELIVERY_MAX_PER_TARGET: default 2, at least 1", () => {
    expect(loadConfig({}).deliveryMaxPerTarget).toBe(2);
    expect(loadConfig({ DELIVERY_MAX_PER_TARGET: "1" }).deliveryMaxPerTarget).toBe(1);
    expect(() => loadConfig({ DELIVERY_MAX_PER_TARGET: "0" })).toThrow(/DELIVERY_MAX_PER_TARGET/);
    expect(() =>
      createDeliveryWorker({ store: createDrizzleDeliveryStore(suite.f.database.db), config: testConfig(), logger: memoryLogger(), perTarget: 0 }),
    ).toThrow(/perTarget must be a positive integer/);
  });
});
