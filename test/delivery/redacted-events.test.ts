// Events carry webhook URLs and email addresses redacted; deliveries still go to the real targets (kept in
// deliveries.target), and what they send carries no unredacted target.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryWorker } from "../../src/delivery/delivery-worker.js";
import { alertingDashboard, createDeliveryFixture, newSecret, outbox, type DeliveryFixture } from "./helpers/delivery-fixture.js";
import { startSmtpReceiver, type SmtpReceiver } from "./helpers/smtp-receiver.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";
import { memoryLogger, testConfig } from "./helpers/worker-config.js";

let f: DeliveryFixture;
let smtp: SmtpReceiver;
let hooks: WebhookReceiver;
beforeAll(async () => {
  [f, smtp, hooks] = await Promise.all([createDeliveryFixture(), startSmtpReceiver(), startWebhookReceiver()]);
});
afterAll(async () => {
  await Promise.all([f.close(), smtp.close(), hooks.close()]);
});

describe("deliveries of redacted events", () => {
  it("send to the full URL and address, with bodies that name them only redacted", async () => {
    const hookPath = "/services/T0/B0/directHookPassword?token=directToken";
    const fallbackPath = "/fallback/fallbackHookPassword";
    const email = "carol.direct@example.com";
    const fallbackEmail = "carol.fallback@example.org";
    const { subscriptions } = await alertingDashboard(f.store, "red", [
      { kind: "webhook", subscriberId: `${hooks.url}${hookPath}`, secret: newSecret() },
      { kind: "email", subscriberId: email },
      { kind: "persona", subscriberId: "carol", fallback: { after_ms: 1000, webhook_url: `${hooks.url}${fallbackPath}`, email: fallbackEmail }, fallbackSecret: newSecret() },
    ]);
    expect((await outbox(f.database, "red")).map((d) => d.target).sort()).toEqual([`${hooks.url}${fallbackPath}`, `${hooks.url}${hookPath}`, email, fallbackEmail].sort());

    const worker = createDeliveryWorker({ db: f.database.db, config: testConfig({ smtpUrl: smtp.url }), logger: memoryLogger(), now: f.clock.now });
    expect(await worker.runOnce()).toBe(2);
    f.clock.advance(1000);
    expect(await worker.runOnce()).toBe(2);
    await worker.stop();

    expect(hooks.requests.map((r) => r.path).sort()).toEqual([fallbackPath, hookPath].sort());
    expect(smtp.messages.map((m) => m.to).flat().sort()).toEqual([email, fallbackEmail].sort());
    const sent = [...hooks.requests.map((r) => r.body), ...smtp.messages.map((m) => `${m.subject}\n${m.text}`)].join("\n");
    for (const hidden of ["directHookPassword", "directToken", "fallbackHookPassword", "carol.direct", "carol.fallback"]) expect(sent, hidden).not.toContain(hidden);
    const direct = JSON.parse(hooks.requests.find((r) => r.path === hookPath)!.body);
    expect(direct.event.data).toMatchObject({ subscription_id: subscriptions[0]!.id, subscriber_kind: "webhook", subscriber_id: new URL(hooks.url).origin });
  });
});
