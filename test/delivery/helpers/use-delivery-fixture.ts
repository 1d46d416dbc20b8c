// One fixture per test file, plus webhook receivers that are all closed when the file ends.
import { afterAll, beforeAll } from "vitest";
import { createDeliveryFixture, type DeliveryFixture } from "./delivery-fixture.js";
import { startWebhookReceiver, type Replier, type WebhookReceiver } from "./webhook-receiver.js";

export interface DeliverySuite {
  /** Available inside tests (set in beforeAll). */
  readonly f: DeliveryFixture;
  receiver(reply?: Replier): Promise<WebhookReceiver>;
}

export function useDeliveryFixture(): DeliverySuite {
  let fixture: DeliveryFixture | undefined;
  const receivers: WebhookReceiver[] = [];
  beforeAll(async () => {
    fixture = await createDeliveryFixture();
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await fixture?.close();
  });
  return {
    get f() {
      if (!fixture) throw new Error("the delivery fixture is only ready inside tests");
      return fixture;
    },
    async receiver(reply) {
      const r = await startWebhookReceiver(reply);
      receivers.push(r);
      return r;
    },
  };
}
