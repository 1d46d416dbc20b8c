// A worker on the fixture's database and clock that speaks webhook only, with the test config's overrides.
import type { Registry } from "prom-client";
import { createDeliveryWorker, type DeliveryConfig } from "../../../src/delivery/delivery-worker.js";
import { createWebhookChannel } from "../../../src/delivery/webhook-channel.js";
import type { LogEntry } from "../../../src/protocol/event.js";
import { createDrizzleDeliveryStore } from "../../../src/store/delivery-queries.js";
import type { DeliveryFixture } from "./delivery-fixture.js";
import { memoryLogger, testConfig } from "./worker-config.js";

export function webhookWorker(f: DeliveryFixture, config: Partial<DeliveryConfig> = {}, o: { metrics?: Registry; appended?: LogEntry[] } = {}) {
  const full = testConfig(config);
  return createDeliveryWorker({
    store: createDrizzleDeliveryStore(f.database.db),
    config: full,
    logger: memoryLogger(),
    now: f.clock.now,
    metrics: o.metrics,
    onAppended: (entries) => o.appended?.push(...entries),
    channels: { webhook: createWebhookChannel({ allowPrivate: true, timeoutMs: full.webhookTimeoutMs }) },
  });
}
