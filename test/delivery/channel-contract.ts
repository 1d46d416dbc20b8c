// The DeliveryChannel contract, run against every implementation (see channels.test.ts).
import { describe, expect, it } from "vitest";
import type { DeliveryResult } from "../../src/delivery/delivery-channel.js";

/** accept: the target takes it; temporary: it refuses for now; permanent: it can never work; unreachable: nothing listens. */
export type TargetMode = "accept" | "temporary" | "permanent" | "unreachable";

export interface ChannelHarness {
  send(mode: TargetMode): Promise<DeliveryResult>;
  /** How many messages the accepting target has taken. */
  received(): number;
}

export function describeChannelContract(name: string, harness: () => ChannelHarness): void {
  describe(`DeliveryChannel contract: ${name}`, () => {
    it("reports ok once the target has taken the message, with the code the target answered", async () => {
      const h = harness();
      const before = h.received();
      const result = await h.send("accept");
      expect(result).toMatchObject({ ok: true });
      // An HTTP 2xx or an SMTP 2xx reply: the ledger shows what the other side said.
      expect(result.statusCode).toBeGreaterThanOrEqual(200);
      expect(result.statusCode).toBeLessThan(300);
      expect(h.received()).toBe(before + 1);
    });

    it("reports a temporary refusal as a retryable failure that says why", async () => {
      const result = await harness().send("temporary");
      expect(result).toMatchObject({ ok: false, retryable: true });
      expect(result.ok === false && result.error.length).toBeGreaterThan(0);
    });

    it("names the status code of a refusal the target answered", async () => {
      const result = await harness().send("temporary");
      expect(result.statusCode).toBeGreaterThanOrEqual(400);
    });

    it("reports a target that can never work as a failure not worth retrying", async () => {
      expect(await harness().send("permanent")).toMatchObject({ ok: false, retryable: false });
    });

    it("resolves, never rejects, when nothing listens, and says the attempt may be retried", async () => {
      expect(await harness().send("unreachable")).toMatchObject({ ok: false, retryable: true, statusCode: null });
    });
  });
}
