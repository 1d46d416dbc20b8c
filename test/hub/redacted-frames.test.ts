// A persona reading dashboard:<id> over WebSocket never sees another subscriber's webhook URL, email address or
// secret, whatever the URL and address (property test over generated targets): frames carry the redacted
// forms only, for subscription.created, alert.matched, dashboard.updated and subscription.disabled alike.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactEmail } from "../../src/core/redact.js";
import { setupDashboard } from "../helpers/fixtures.js";
import { emailArb, webhookUrlArb } from "../helpers/target-arbitraries.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { startHarness, type Harness } from "./helpers/hub-harness.js";
import type { TestClient } from "./helpers/ws-client.js";

let t: TestApp;
let h: Harness;
let reader: TestClient;
beforeAll(async () => {
  t = await createTestApp({ webhookAllowPrivate: true, subscriptionQuota: { perDashboard: 1000, perOwner: 1000 } });
  h = await startHarness({ store: t.store });
  await setupDashboard(t, "frames", { source_url: "https://feeds.example.com/private/SourceKey123?token=SourceTok456" });
  reader = await h.client("reader");
  expect(await reader.subscribe("dashboard:frames")).toMatchObject({ type: "subscribed" });
});
afterAll(async () => {
  reader.close();
  await h.close();
  await t.close();
});

describe("dashboard:<id> frames", () => {
  it("carry webhook URLs, email addresses and source URLs only redacted, whatever they are", async () => {
    const owner = await t.token({ sub: "owner", roles: ["admin"] });
    let n = 0;
    let published = 0;
    await fc.assert(
      fc.asyncProperty(webhookUrlArb.filter((u) => u.url.length <= 2048), emailArb, async ({ url, secret }, email) => {
        const rule = { set_added_min: 1 };
        const hook = await t.call("POST", "/api/dashboard/frames/subscriptions", { token: owner, body: { subscriber_kind: "webhook", subscriber_id: url, threshold_json: rule } });
        const mail = await t.call("POST", "/api/dashboard/frames/subscriptions", { token: owner, body: { subscriber_kind: "email", subscriber_id: email, threshold_json: rule } });
        expect([hook.status, mail.status]).toEqual([201, 201]);
        n += 1;
        await t.call("POST", "/api/dashboard/frames/snapshot", { token: owner, body: { rows: [{ id: `r${n}` }] } });
        await t.call("PATCH", "/api/dashboard/frames", { token: owner, body: { name: `frames ${n}`, source_url: `${url}/src` } });
        const fresh = t.published.slice(published);
        published = t.published.length;
        await h.hub.publish(fresh);
        const head = fresh.at(-1)!.event.seq;
        await reader.waitUntil(() => reader.events("dashboard:frames").some((e) => e.seq === head));
        const text = JSON.stringify(reader.frames);
        for (const hidden of [secret, hook.body.secret, JSON.stringify(email), "SourceKey123", "SourceTok456"]) expect(text).not.toContain(hidden);
        expect(text).toContain(JSON.stringify(new URL(url).origin));
        expect(text).toContain(JSON.stringify(redactEmail(email)));
      }),
      { numRuns: 15 },
    );
  });
});
