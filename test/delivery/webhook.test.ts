import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createDeliveryWorker, type DeliveryConfig } from "../../src/delivery/delivery-worker.js";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import { createWebhookChannel } from "../../src/delivery/webhook-channel.js";
import { alertingDashboard, newSecret, outbox } from "./helpers/delivery-fixture.js";
import { useDeliveryFixture } from "./helpers/use-delivery-fixture.js";
import type { ReceivedRequest, Replier } from "./helpers/webhook-receiver.js";
import { memoryLogger, testConfig } from "./helpers/worker-config.js";

const suite = useDeliveryFixture();
const receiver = (reply?: Replier) => suite.receiver(reply);

/** One webhook subscription on a fresh dashboard with one alert, and a worker that only speaks webhook. */
async function setup(dashboardId: string, url: string, config: Partial<DeliveryConfig> = {}) {
  const secret = newSecret();
  const made = await alertingDashboard(suite.f.store, dashboardId, [{ kind: "webhook", subscriberId: url, secret }]);
  const full = testConfig(config);
  const worker = createDeliveryWorker({
    store: createDrizzleDeliveryStore(suite.f.database.db),
    config: full,
    logger: memoryLogger(),
    now: suite.f.clock.now,
    channels: { webhook: createWebhookChannel({ allowPrivate: full.webhookAllowPrivate, timeoutMs: full.webhookTimeoutMs }) },
  });
  return { secret, worker, ...made, seq: made.snapshots[1]!.alerts[0]!.seq };
}

const headersOf = (r: ReceivedRequest) => ({
  "webhook-id": String(r.headers["webhook-id"]),
  "webhook-timestamp": String(r.headers["webhook-timestamp"]),
  "webhook-signature": String(r.headers["webhook-signature"]),
});

describe("webhook deliveries", () => {
  it("posts the contract's body with Standard Webhooks headers that the standardwebhooks library verifies", async () => {
    const r = await receiver();
    const { secret, worker, snapshots, seq, subscriptions } = await setup("wh-signed", `${r.url}/hook`);

    expect(await worker.runOnce()).toBe(1);

    expect(r.requests).toHaveLength(1);
    const [req] = r.requests;
    expect(req!.path).toBe("/hook");
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.headers["webhook-id"]).toBe(`wh-signed:${seq}`);
    expect(Math.abs(Number(req!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    const verified = new Webhook(secret).verify(req!.body, headersOf(req!)) as Record<string, unknown>;
    expect(verified).toMatchObject({
      dashboard_id: "wh-signed",
      snapshot_a: snapshots[0]!.snapshot_id,
      snapshot_b: snapshots[1]!.snapshot_id,
      diff: snapshots[1]!.diff,
      event: {
        dashboard_id: "wh-signed",
        seq,
        kind: "alert.matched",
        actor: "publisher",
        data: { subscription_id: subscriptions[0]!.id, snapshot_id: snapshots[1]!.snapshot_id, previous_snapshot_id: snapshots[0]!.snapshot_id },
      },
    });
    expect(() => new Webhook(newSecret()).verify(req!.body, headersOf(req!))).toThrow();
    expect(await outbox(suite.f.database, "wh-signed")).toMatchObject([{ status: "delivered", attempts: 1, lastError: null }]);
    expect(await worker.runOnce()).toBe(0);
  });

  it("retries after a 500 on the schedule, with the same webhook-id, until a 2xx", async () => {
    const r = await receiver((_req, n) => (n === 0 ? 500 : 200));
    const { secret, worker, seq } = await setup("wh-retry", r.url);

    expect(await worker.runOnce()).toBe(1);
    expect(await outbox(suite.f.database, "wh-retry")).toMatchObject([{ status: "pending", attempts: 1, lastError: "HTTP 500 Internal Server Error" }]);
    // Entry 1 of [0, 50, 50]: 50 ms after the first failure, not before.
    suite.f.clock.advance(49);
    expect(await worker.runOnce()).toBe(0);
    suite.f.clock.advance(1);
    expect(await worker.runOnce()).toBe(1);

    expect(r.requests.map((q) => q.headers["webhook-id"])).toEqual([`wh-retry:${seq}`, `wh-retry:${seq}`]);
    for (const q of r.requests) expect(() => new Webhook(secret).verify(q.body, headersOf(q))).not.toThrow();
    expect(await outbox(suite.f.database, "wh-retry")).toMatchObject([{ status: "delivered", attempts: 2, lastError: null }]);
  });

  it("marks the delivery failed once every attempt of the schedule has failed", async () => {
    const r = await receiver(() => 503);
    const { worker } = await setup("wh-spent", r.url);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await worker.runOnce()).toBe(1);
      suite.f.clock.advance(50);
    }
    expect(await worker.runOnce()).toBe(0);
    expect(r.requests).toHaveLength(3);
    expect(await outbox(suite.f.database, "wh-spent")).toMatchObject([{ status: "failed", attempts: 3, lastError: "HTTP 503 Service Unavailable" }]);
  });

  it("does not follow a redirect and counts it as a failed attempt", async () => {
    const r = await receiver((req) => (req.path === "/moved" ? { status: 302, headers: { location: "/elsewhere" } } : 200));
    const { worker } = await setup("wh-redirect", `${r.url}/moved`);
    expect(await worker.runOnce()).toBe(1);
    expect(r.requests.map((q) => q.path)).toEqual(["/moved"]);
    const [row] = await outbox(suite.f.database, "wh-redirect");
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lastError).toMatch(/HTTP 302.*redirects are not followed/);
  });

  it("gives up on a receiver that does not answer within WEBHOOK_TIMEOUT_MS", async () => {
    const r = await receiver(() => "hang");
    const { worker } = await setup("wh-timeout", r.url, { webhookTimeoutMs: 200 });
    const started = performance.now();
    expect(await worker.runOnce()).toBe(1);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(2_000);
    expect(r.requests).toHaveLength(1);
    const [row] = await outbox(suite.f.database, "wh-timeout");
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lastError).toMatch(/^timeout: no response within 200 ms/);
  });

  it("refuses a loopback or plain-http URL at send time when WEBHOOK_ALLOW_PRIVATE is off, without retrying", async () => {
    const r = await receiver();
    const port = new URL(r.url).port;
    const { worker } = await setup("wh-unsafe-http", r.url, { webhookAllowPrivate: false });
    await setup("wh-unsafe-tls", `https://127.0.0.1:${port}/`, { webhookAllowPrivate: false });
    expect(await worker.runOnce()).toBe(2);
    expect(await worker.runOnce()).toBe(0);
    expect(r.requests).toHaveLength(0);
    const rows = [...(await outbox(suite.f.database, "wh-unsafe-http")), ...(await outbox(suite.f.database, "wh-unsafe-tls"))];
    expect(rows).toMatchObject([
      { status: "failed", attempts: 1, lastError: "unsafe-url: must be https (set WEBHOOK_ALLOW_PRIVATE=1 for http)" },
      { status: "failed", attempts: 1, lastError: "unsafe-url: must point at a public address" },
    ]);
  });

  it("leaves email deliveries pending when no email channel is configured", async () => {
    const r = await receiver();
    await alertingDashboard(suite.f.store, "wh-no-smtp", [{ kind: "email", subscriberId: "ops@example.com" }]);
    const worker = createDeliveryWorker({ store: createDrizzleDeliveryStore(suite.f.database.db), config: testConfig(), logger: memoryLogger(), now: suite.f.clock.now });
    expect(await worker.runOnce()).toBe(0);
    await worker.stop();
    expect(r.requests).toHaveLength(0);
    expect(await outbox(suite.f.database, "wh-no-smtp")).toMatchObject([{ channel: "email", status: "pending", attempts: 0 }]);
  });
});
