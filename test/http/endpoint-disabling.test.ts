// An endpoint that fails for WEBHOOK_DISABLE_AFTER_MS is disabled over the whole surface: the log says so,
// new alerts queue nothing for it, and PATCH enabled: true resumes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../delivery/helpers/delivery-fixture.js";
import { startWebhookReceiver, type WebhookReceiver } from "../delivery/helpers/webhook-receiver.js";
import { webhookWorker } from "../delivery/helpers/webhook-worker.js";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const clock = manualClock();
let t: TestApp;
let hooks: WebhookReceiver;
let healthy = false;
beforeAll(async () => {
  [t, hooks] = await Promise.all([createTestApp({ now: clock.now, webhookAllowPrivate: true }), startWebhookReceiver(() => (healthy ? 200 : 500))]);
});
afterAll(async () => {
  await Promise.all([t.close(), hooks.close()]);
});

describe("endpoint disabling", () => {
  it("disables after WEBHOOK_DISABLE_AFTER_MS of failures, queues nothing more, and resumes after PATCH enabled: true", async () => {
    const admin = await setupDashboard(t, "flaky");
    const alice = await t.token({ sub: "alice", roles: ["publisher"] });
    const sub = await t.call("POST", "/api/dashboard/flaky/subscriptions", {
      token: alice,
      body: { subscriber_kind: "webhook", subscriber_id: `${hooks.url}/flaky`, threshold_json: { value_delta_pct: 0, on_field: "score" } },
    });
    let score = 0;
    const snapshot = async () => expect((await t.call("POST", "/api/dashboard/flaky/snapshot", { token: admin, body: { rows: leaderboard({ a: ++score }) } })).status).toBe(201);
    const ledger = async () => (await t.call("GET", "/api/dashboard/flaky/deliveries", { token: alice })).body.deliveries as { status: string }[];
    await snapshot();
    await snapshot();
    const worker = webhookWorker({ database: t.database, store: t.store, clock, close: async () => {} }, { deliveryRetryScheduleMs: [0, 100, 100], webhookDisableAfterMs: 100 });

    await worker.runOnce();
    clock.advance(100);
    await worker.runOnce();
    const { events } = (await t.call("GET", "/api/dashboard/flaky/events", { token: alice })).body;
    expect(events.at(-1)).toMatchObject({ kind: "subscription.disabled", data: { subscription_id: sub.body.id }, actor: "system:delivery" });
    const listed = (await t.call("GET", "/api/dashboard/flaky/subscriptions", { token: alice })).body.subscriptions;
    expect(listed).toMatchObject([{ id: sub.body.id, enabled: false }]);
    expect((await ledger()).map((d) => d.status)).toEqual(["failed"]);

    await snapshot();
    expect(await ledger()).toHaveLength(1);
    const requests = hooks.requests.length;
    clock.advance(1000);
    await worker.runOnce();
    expect(hooks.requests).toHaveLength(requests);

    const resumed = await t.call("PATCH", `/api/dashboard/flaky/subscriptions/${sub.body.id}`, { token: alice, body: { enabled: true } });
    expect(resumed.status).toBe(200);
    healthy = true;
    await snapshot();
    await worker.runOnce();
    expect((await ledger()).map((d) => d.status)).toEqual(["failed", "delivered"]);
  });
});
