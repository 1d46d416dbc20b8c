// dashboard:<id> frames, live and replayed, carry another persona's webhook URLs, email addresses and
// fallback targets only in their redacted form (CONTRACT v2 "Privacy").
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.js";
import { commitSnapshot, type Harness } from "./helpers/hub-harness.js";
import { hubTestContext } from "./helpers/hub-test-context.js";

const HOOK = "https://hooks.example.com/services/T0/B0/aliceWebhookPassword";
const EMAIL = "alice.private@example.com";
const FALLBACK = { after_ms: 60_000, webhook_url: "https://fb.example.net/fallbackPassword?t=aliceToken", email: "alice.fallback@example.org" };
const HIDDEN = [HOOK, EMAIL, FALLBACK.webhook_url, FALLBACK.email, "aliceWebhookPassword", "fallbackPassword", "aliceToken", "alice.private", "alice.fallback"];

async function aliceSubscribes(store: Store, dashboardId: string): Promise<void> {
  const specs = [
    { subscriber_kind: "webhook", subscriber_id: HOOK, fallback: null },
    { subscriber_kind: "email", subscriber_id: EMAIL, fallback: null },
    { subscriber_kind: "persona", subscriber_id: "alice", fallback: FALLBACK },
  ] as const;
  for (const spec of specs) {
    await store.createSubscription(
      { dashboard_id: dashboardId, ...spec, threshold_json: { set_added_min: 1 }, owner: "alice" },
      { secret: spec.subscriber_kind === "webhook" ? "whsec_aliceSecretOne" : null, fallback_secret: spec.fallback ? "whsec_aliceSecretTwo" : null },
      "alice",
    );
  }
}

describe("privacy on dashboard channels", () => {
  const t = hubTestContext("priv");
  let h: Harness;

  it("shows bob only redacted targets, in replayed and in live frames", async () => {
    h = await t.start();
    const d = await t.newDashboard();
    await aliceSubscribes(h.store, d);
    await commitSnapshot(h.store, d); // baseline: the alerts come with the next one
    const bob = await h.client("bob");
    expect(await bob.subscribe(`dashboard:${d}`, { [d]: 0 })).toMatchObject({ type: "subscribed" });
    await bob.waitUntil(() => bob.events().length === 4);
    await h.hub.publish(await commitSnapshot(h.store, d));
    await bob.waitUntil(() => bob.events().length === 8);

    const text = JSON.stringify(bob.frames);
    for (const hidden of [...HIDDEN, "whsec_aliceSecretOne", "whsec_aliceSecretTwo"]) expect(text, hidden).not.toContain(hidden);
    const alerts = bob.events().filter((e) => e.kind === "alert.matched");
    expect(alerts.map((e) => e.data.subscriber_id)).toEqual(["https://hooks.example.com", "a***@example.com", "alice"]);
    const created = bob.events().filter((e) => e.kind === "subscription.created");
    expect(created.map((e) => e.data.fallback)).toEqual([null, null, { after_ms: 60_000, webhook_url: "https://fb.example.net", email: "a***@example.org" }]);
  });
});
