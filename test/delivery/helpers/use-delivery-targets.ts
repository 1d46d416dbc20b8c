// One fixture, one SMTP server and one webhook receiver per test file, and the delivery worker that sends
// to them on the fixture's clock: where the alert-delivery files start from.
import { afterAll, beforeAll } from "vitest";
import { createDeliveryWorker, type DeliveryWorker } from "../../../src/delivery/delivery-worker.js";
import { createDrizzleDeliveryStore } from "../../../src/store/delivery-queries.js";
import { createDeliveryFixture, type DeliveryFixture } from "./delivery-fixture.js";
import { startSmtpReceiver, type SmtpReceiver } from "./smtp-receiver.js";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.js";
import { memoryLogger, testConfig, type MemoryLogger } from "./worker-config.js";

export interface DeliveryTargets {
  /** The three are available inside tests (set in beforeAll). */
  readonly f: DeliveryFixture;
  readonly smtp: SmtpReceiver;
  readonly hooks: WebhookReceiver;
  /** A worker on the fixture's database and clock, mailing through `smtp`. */
  worker(logger?: MemoryLogger): DeliveryWorker;
}

/** A worker on the fixture's database and clock with the test config, mailing through `smtpUrl`. */
export function fixtureWorker(f: DeliveryFixture, smtpUrl: string, logger: MemoryLogger = memoryLogger()): DeliveryWorker {
  return createDeliveryWorker({ store: createDrizzleDeliveryStore(f.database.db), config: testConfig({ smtpUrl }), logger, now: f.clock.now });
}

export function useDeliveryTargets(): DeliveryTargets {
  let ready: { f: DeliveryFixture; smtp: SmtpReceiver; hooks: WebhookReceiver } | undefined;
  beforeAll(async () => {
    const [f, smtp, hooks] = await Promise.all([createDeliveryFixture(), startSmtpReceiver(), startWebhookReceiver()]);
    ready = { f, smtp, hooks };
  });
  afterAll(async () => {
    if (ready) await Promise.all([ready.f.close(), ready.smtp.close(), ready.hooks.close()]);
  });
  const get = () => {
    if (!ready) throw new Error("the delivery targets are only ready inside tests");
    return ready;
  };
  return {
    get f() {
      return get().f;
    },
    get smtp() {
      return get().smtp;
    },
    get hooks() {
      return get().hooks;
    },
    worker: (logger) => fixtureWorker(get().f, get().smtp.url, logger),
  };
}
