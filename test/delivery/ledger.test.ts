// The delivery ledger as the worker writes it: one attempt row per send, with status code, duration and
// error, in the settle transaction; a failed delivery goes out again on a hand retry.
import { Registry } from "prom-client";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { failure } from "../../src/delivery/delivery-channel.js";
import { createDeliveryWorker, type DeliveryConfig } from "../../src/delivery/delivery-worker.js";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import { ATTEMPT_ERROR_MAX } from "../../src/store/delivery-store.js";
import { alertingDashboard, newSecret } from "./helpers/delivery-fixture.js";
import { useDeliveryFixture } from "./helpers/use-delivery-fixture.js";
import type { Replier } from "./helpers/webhook-receiver.js";
import { webhookWorker } from "./helpers/webhook-worker.js";
import { memoryLogger, testConfig } from "./helpers/worker-config.js";

const suite = useDeliveryFixture();

/** How long the receiver holds its last answer in the retries test: well inside WEBHOOK_TIMEOUT_MS (2 s here). */
const ANSWER_DELAY_MS = 300;

async function setup(dashboardId: string, reply: Replier, config: Partial<DeliveryConfig> = {}, metrics?: Registry) {
  const r = await suite.receiver(reply);
  const secret = newSecret();
  const made = await alertingDashboard(suite.f.store, dashboardId, [{ kind: "webhook", subscriberId: `${r.url}/hook`, secret }]);
  const worker = webhookWorker(suite.f, config, { metrics });
  return { r, secret, worker, subscription: made.subscriptions[0]!, seq: made.snapshots[1]!.alerts[0]!.seq };
}

const ledger = async (dashboardId: string) => (await suite.f.store.listDeliveries(dashboardId, { owner: null, limit: 100 })).deliveries;

describe("delivery ledger", () => {
  it("records three attempts with their status codes and durations when the receiver answers 500, 500, then 200", async () => {
    const metrics = new Registry();
    // The last answer waits ANSWER_DELAY_MS: its duration must show that wait, the prompt ones must not.
    const answerLate = () => new Promise<number>((resolve) => setTimeout(() => resolve(200), ANSWER_DELAY_MS));
    const { r, worker, secret, seq, subscription } = await setup("ledger-retries", (_req, n) => (n < 2 ? 500 : answerLate()), {}, metrics);
    const started = suite.f.clock.now();
    expect(await worker.runOnce()).toBe(1);
    suite.f.clock.advance(50);
    expect(await worker.runOnce()).toBe(1);
    suite.f.clock.advance(50);
    expect(await worker.runOnce()).toBe(1);

    expect(r.requests).toHaveLength(3);
    for (const req of r.requests) new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
    const [delivery, ...rest] = await ledger("ledger-retries");
    expect(rest).toHaveLength(0);
    expect(delivery).toMatchObject({ dashboard_id: "ledger-retries", seq, subscription_id: subscription.id, channel: "webhook", reason: "direct", status: "delivered", next_attempt_at: null });
    expect(delivery).not.toHaveProperty("target");
    expect(delivery!.attempts.map((a) => [a.n, a.outcome, a.status_code, a.error])).toEqual([
      [1, "failed", 500, "HTTP 500 Internal Server Error"],
      [2, "failed", 500, "HTTP 500 Internal Server Error"],
      [3, "delivered", 200, null],
    ]);
    expect(delivery!.attempts.map((a) => a.at)).toEqual([0, 50, 100].map((ms) => new Date(started.getTime() + ms).toISOString()));
    const [prompt1, prompt2, late] = delivery!.attempts.map((a) => a.duration_ms);
    // A timer may fire up to a millisecond early by performance.now(), and the ledger rounds to whole ms.
    expect(late).toBeGreaterThanOrEqual(ANSWER_DELAY_MS - 2);
    expect(late).toBeLessThan(ANSWER_DELAY_MS + 1_500);
    for (const prompt of [prompt1, prompt2]) expect(prompt).toBeLessThan(ANSWER_DELAY_MS);
    expect(await metrics.getSingleMetricAsString("dashwatch_deliveries_total")).toContain('status="delivered"} 1');
  });

  it("ends failed after the schedule when the receiver always fails, and a hand retry delivers it", async () => {
    let healthy = false;
    const { worker } = await setup("ledger-failed", () => (healthy ? 204 : 503));
    await worker.runOnce();
    suite.f.clock.advance(50);
    await worker.runOnce();
    suite.f.clock.advance(50);
    await worker.runOnce();
    const [failed] = await ledger("ledger-failed");
    expect(failed).toMatchObject({ status: "failed", next_attempt_at: null });
    expect(failed!.attempts.map((a) => a.status_code)).toEqual([503, 503, 503]);

    // Nothing more is tried on its own, however long the worker runs.
    suite.f.clock.advance(3_600_000);
    expect(await worker.runOnce()).toBe(0);

    healthy = true;
    const retried = await suite.f.store.retryDelivery("ledger-failed", failed!.id);
    expect(retried).toMatchObject({ ok: true, value: { status: "pending", next_attempt_at: suite.f.clock.now().toISOString() } });
    expect(await suite.f.store.retryDelivery("ledger-failed", failed!.id)).toEqual({ ok: false, error: "conflict" });
    expect(await worker.runOnce()).toBe(1);
    const [after] = await ledger("ledger-failed");
    expect(after).toMatchObject({ status: "delivered" });
    expect(after!.attempts.map((a) => [a.n, a.outcome, a.status_code])).toEqual([
      [1, "failed", 503],
      [2, "failed", 503],
      [3, "failed", 503],
      [4, "delivered", 204],
    ]);
  });

  it("keeps 500 characters of an attempt's error and a null status_code when nothing answered", async () => {
    await alertingDashboard(suite.f.store, "ledger-long-error", [{ kind: "webhook", subscriberId: "https://hooks.example.com/x", secret: newSecret() }]);
    // A channel (the port, not a stand-in for a receiver) whose failure says far more than the ledger keeps.
    const worker = createDeliveryWorker({
      store: createDrizzleDeliveryStore(suite.f.database.db),
      config: testConfig({ deliveryRetryScheduleMs: [0] }),
      logger: memoryLogger(),
      now: suite.f.clock.now,
      channels: { webhook: { send: async () => failure(`cannot connect: ${"x".repeat(2000)}`, true) } },
    });
    await worker.runOnce();
    const [d] = await ledger("ledger-long-error");
    expect(d).toMatchObject({ status: "failed" });
    expect(d!.attempts).toHaveLength(1);
    expect(d!.attempts[0]!.status_code).toBeNull();
    expect(d!.attempts[0]!.error).toBe(`cannot connect: ${"x".repeat(2000)}`.slice(0, ATTEMPT_ERROR_MAX));
  });
});
