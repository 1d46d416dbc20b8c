// A persona token reading another persona's webhook URLs, email addresses, fallback targets and secrets
// through every HTTP route that shows events: it gets only the redacted forms (CONTRACT v2 "Privacy").
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactEmail } from "../../src/core/redact.js";
import { leaderboard, setupDashboard } from "../helpers/fixtures.js";
import { emailArb, webhookUrlArb } from "../helpers/target-arbitraries.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const HOOK = "https://hooks.example.com/services/T0ALICE/B0ALICE/aliceWebhookPassword";
const FALLBACK_HOOK = "https://fallback.example.net:8443/alice/fallbackPassword?token=aliceToken";
const EMAIL = "alice.private@example.com";
const FALLBACK_EMAIL = "alice.fallback@example.org";
const FULL_TARGETS = [HOOK, FALLBACK_HOOK, EMAIL, FALLBACK_EMAIL, "aliceWebhookPassword", "fallbackPassword", "aliceToken", "alice.private", "alice.fallback"];

let t: TestApp;
let admin: string;
let alice: string;
let bob: string;
const secrets: string[] = [];
let score = 10;

const post = (token: string, path: string, body: unknown) => t.call("POST", `/api/dashboard/${path}`, { token, body });
const snapshot = () => post(admin, "priv/snapshot", { rows: leaderboard({ a: ++score, b: 5 }) });
const get = (token: string, path: string) => t.app.request(`/api/dashboard/${path}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  t = await createTestApp();
  admin = await setupDashboard(t, "priv");
  [alice, bob] = await Promise.all([t.token({ sub: "alice" }), t.token({ sub: "bob" })]);
  const rule = { value_delta_pct: 0, on_field: "score" };
  const made = await Promise.all([
    post(alice, "priv/subscriptions", { subscriber_kind: "webhook", subscriber_id: HOOK, threshold_json: rule }),
    post(alice, "priv/subscriptions", { subscriber_kind: "email", subscriber_id: EMAIL, threshold_json: rule }),
    post(alice, "priv/subscriptions", {
      subscriber_kind: "persona",
      subscriber_id: "alice",
      threshold_json: rule,
      fallback: { after_ms: 60_000, webhook_url: FALLBACK_HOOK, email: FALLBACK_EMAIL },
    }),
    post(bob, "priv/subscriptions", { subscriber_kind: "persona", subscriber_id: "bob", threshold_json: rule }),
  ]);
  for (const m of made) {
    expect(m.status).toBe(201);
    for (const key of ["secret", "fallback_secret"]) if (m.body[key]) secrets.push(m.body[key]);
  }
  expect(secrets).toHaveLength(2);
  await snapshot();
  await snapshot();
});
afterAll(() => t.close());

/** What bob reads, as the raw bytes the hub sent, so nothing hides in a member the test does not look at. */
async function bobReads(path: string): Promise<string> {
  const res = await get(bob, path);
  expect(res.status, path).toBe(200);
  return res.text();
}

function expectNoTarget(text: string, where: string) {
  for (const s of [...FULL_TARGETS, ...secrets]) expect(text, `${where} shows ${s}`).not.toContain(s);
}

describe("another persona's targets", () => {
  it("GET events shows webhook and email subscribers and fallbacks only redacted", async () => {
    const text = await bobReads("priv/events?limit=1000");
    expectNoTarget(text, "events");
    const events = JSON.parse(text).events as { kind: string; data: Record<string, any> }[];
    const subscribers = events.filter((e) => e.kind === "alert.matched").map((e) => e.data.subscriber_id);
    expect(new Set(subscribers)).toEqual(new Set(["https://hooks.example.com", "a***@example.com", "alice", "bob"]));
    const created = events.filter((e) => e.kind === "subscription.created").map((e) => e.data);
    expect(created.map((d) => d.subscriber_id).sort()).toEqual(["a***@example.com", "alice", "bob", "https://hooks.example.com"]);
    expect(created.find((d) => d.subscriber_id === "alice")!.fallback).toEqual({ after_ms: 60_000, webhook_url: "https://fallback.example.net:8443", email: "a***@example.org" });
  });

  it("?persona= reads only the caller's own alerts; another persona's answers 403 and an admin may read any", async () => {
    const own = JSON.parse(await bobReads("priv/events?persona=bob"));
    expect(own.events.length).toBe(1);
    expect(own.events.every((e: { data: { subscriber_id: string } }) => e.data.subscriber_id === "bob")).toBe(true);
    const other = await t.call("GET", "/api/dashboard/priv/events?persona=alice", { token: bob });
    expect(other.status).toBe(403);
    expect(other.body.type).toMatch(/\/forbidden$/);
    const asAdmin = await t.call("GET", "/api/dashboard/priv/events?persona=alice", { token: admin });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.events).toHaveLength(1);
    expectNoTarget(JSON.stringify(asAdmin.body), "admin's ?persona=alice");
  });

  it("the audit report, JSON and HTML, names subscribers only redacted", async () => {
    const json = await bobReads("priv/audit");
    expectNoTarget(json, "audit json");
    const subscribers = JSON.parse(json).alerts_by_subscription.map((a: { subscriber_id: string }) => a.subscriber_id);
    expect(subscribers.sort()).toEqual(["a***@example.com", "alice", "bob", "https://hooks.example.com"]);
    const html = await bobReads("priv/audit?format=html");
    expectNoTarget(html, "audit html");
    expect(html).toContain("a***@example.com");
    expect(html).toContain("https://hooks.example.com");
  });

  it("the owner still reads the full targets from the subscriptions API, and nobody else does", async () => {
    const mine = await t.call("GET", "/api/dashboard/priv/subscriptions", { token: alice });
    expect(mine.body.subscriptions.map((s: { subscriber_id: string }) => s.subscriber_id).sort()).toEqual([EMAIL, HOOK, "alice"].sort());
    const bobs = await t.call("GET", "/api/dashboard/priv/subscriptions", { token: bob });
    expectNoTarget(JSON.stringify(bobs.body), "bob's subscription list");
  });

  it("the log itself holds the redacted forms only", async () => {
    const page = await t.store.readEvents("priv", { afterSeq: 0, limit: 1000 });
    expectNoTarget(JSON.stringify(page.entries), "the stored log");
  });
});

describe("redaction over generated targets", () => {
  it("no generated webhook URL or email address reaches another persona's event reads", async () => {
    const p = await createTestApp({ webhookAllowPrivate: true, subscriptionQuota: { perDashboard: 1000, perOwner: 1000 } });
    try {
      const owner = await setupDashboard(p, "gen");
      const reader = await p.token({ sub: "reader" });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(webhookUrlArb.filter((u) => u.url.length <= 2048), emailArb, async ({ url, secret }, email) => {
          const rule = { set_added_min: 1 };
          const hook = await p.call("POST", "/api/dashboard/gen/subscriptions", { token: owner, body: { subscriber_kind: "webhook", subscriber_id: url, threshold_json: rule } });
          const mail = await p.call("POST", "/api/dashboard/gen/subscriptions", { token: owner, body: { subscriber_kind: "email", subscriber_id: email, threshold_json: rule } });
          expect([hook.status, mail.status]).toEqual([201, 201]);
          n += 1;
          await p.call("POST", "/api/dashboard/gen/snapshot", { token: owner, body: { rows: [{ id: `r${n}` }] } });
          const res = await p.app.request(`/api/dashboard/gen/events?limit=1000&after_seq=${Math.max(0, (await p.store.getDashboard("gen"))!.head_seq - 50)}`, {
            headers: { authorization: `Bearer ${reader}` },
          });
          const text = await res.text();
          expect(text).not.toContain(secret);
          expect(text).not.toContain(hook.body.secret);
          expect(text).toContain(JSON.stringify(new URL(url).origin));
          expect(text).not.toContain(JSON.stringify(email));
          expect(text).toContain(JSON.stringify(redactEmail(email)));
        }),
        { numRuns: 25 },
      );
    } finally {
      await p.close();
    }
  });
});
