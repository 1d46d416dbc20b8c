// Events carry webhook URLs and email addresses redacted; deliveries still go to the real targets (kept in
// deliveries.target), and what they send carries no unredacted target.
import { describe, expect, it } from "vitest";
import { alertingDashboard, newSecret, outbox } from "./helpers/delivery-fixture.js";
import { useDeliveryTargets } from "./helpers/use-delivery-targets.js";

const t = useDeliveryTargets();

describe("deliveries of redacted events", () => {
  it("send to the full URL and address, with bodies that name them only redacted", async () => {
    const hookPath = "/services/T0/B0/directHookPassword?token=directToken";
    const fallbackPath = "/fallback/fallbackHookPassword";
    const email = "carol.direct@example.com";
    const fallbackEmail = "carol.fallback@example.org";
    const { subscriptions } = await alertingDashboard(t.f.store, "red", [
      { kind: "webhook", subscriberId: `${t.hooks.url}${hookPath}`, secret: newSecret() },
      { kind: "email", subscriberId: email },
      { kind: "persona", subscriberId: "carol", fallback: { after_ms: 1000, webhook_url: `${t.hooks.url}${fallbackPath}`, email: fallbackEmail }, fallbackSecret: newSecret() },
    ]);
    expect((await outbox(t.f.database, "red")).map((d) => d.target).sort()).toEqual([`${t.hooks.url}${fallbackPath}`, `${t.hooks.url}${hookPath}`, email, fallbackEmail].sort());

    const worker = t.worker();
    expect(await worker.runOnce()).toBe(2);
    t.f.clock.advance(1000);
    expect(await worker.runOnce()).toBe(2);
    await worker.stop();

    expect(t.hooks.requests.map((r) => r.path).sort()).toEqual([fallbackPath, hookPath].sort());
    expect(t.smtp.messages.map((m) => m.to).flat().sort()).toEqual([email, fallbackEmail].sort());
    const sent = [...t.hooks.requests.map((r) => r.body), ...t.smtp.messages.map((m) => `${m.subject}\n${m.text}`)].join("\n");
    for (const hidden of ["directHookPassword", "directToken", "fallbackHookPassword", "carol.direct", "carol.fallback"]) expect(sent, hidden).not.toContain(hidden);
    const direct = JSON.parse(t.hooks.requests.find((r) => r.path === hookPath)!.body);
    expect(direct.event.data).toMatchObject({ subscription_id: subscriptions[0]!.id, subscriber_kind: "webhook", subscriber_id: new URL(t.hooks.url).origin });
  });
});
