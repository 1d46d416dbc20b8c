// Secret rotation (two signatures, new first, for 24 h) and endpoints that give up after
// WEBHOOK_DISABLE_AFTER_MS of failures only; both on the injected clock.
import { eq } from "drizzle-orm";
import { Registry } from "prom-client";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { DeliveryConfig } from "../../src/delivery/delivery-worker.js";
import type { LogEntry } from "../../src/protocol/event.js";
import { subscriptions } from "../../src/store/schema.js";
import { ROTATION_OVERLAP_MS } from "../../src/store/subscription-secrets.js";
import { alertingDashboard, newSecret } from "./helpers/delivery-fixture.js";
import { useDeliveryFixture } from "./helpers/use-delivery-fixture.js";
import type { ReceivedRequest } from "./helpers/webhook-receiver.js";
import { webhookWorker } from "./helpers/webhook-worker.js";

const suite = useDeliveryFixture();
const scores = (n: number) => [{ id: "a", score: 100 + n }, { id: "b", score: 5 }];

const worker = (config: Partial<DeliveryConfig>, appended: LogEntry[] = [], metrics?: Registry) => webhookWorker(suite.f, config, { appended, metrics });

/** One more alerting snapshot on the dashboard (the fixture's scores change every time). */
async function alert(dashboardId: string, n: number) {
  const result = await suite.f.store.ingestSnapshot({ dashboardId, rows: scores(n), primaryMetric: null, takenAt: null, actor: "publisher" });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const headers = (r: ReceivedRequest) => r.headers as Record<string, string>;
const verifies = (secret: string, r: ReceivedRequest) => {
  try {
    new Webhook(secret).verify(r.body, headers(r));
    return true;
  } catch {
    return false;
  }
};

describe("secret rotation", () => {
  it("signs with the new and the old secret, new first, during the 24 h overlap, and with the new one only after it", async () => {
    const r = await suite.receiver();
    const oldSecret = newSecret();
    const { subscriptions: [sub] } = await alertingDashboard(suite.f.store, "rotate", [{ kind: "webhook", subscriberId: `${r.url}/h`, secret: oldSecret }]);
    const w = worker({});

    await w.runOnce();
    const before = r.requests[0]!;
    expect(String(before.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verifies(oldSecret, before)).toBe(true);

    const newer = newSecret();
    expect(await suite.f.store.rotateSecret("rotate", sub!.id, newer)).toMatchObject({ ok: true });
    await alert("rotate", 1);
    suite.f.clock.advance(ROTATION_OVERLAP_MS - 1);
    await w.runOnce();
    const during = r.requests[1]!;
    const signatures = String(during.headers["webhook-signature"]).split(" ");
    expect(signatures).toHaveLength(2);
    expect(verifies(newer, during)).toBe(true);
    expect(verifies(oldSecret, during)).toBe(true);
    // New first: a receiver holding only the new secret matches the first signature.
    expect(verifies(newer, { ...during, headers: { ...during.headers, "webhook-signature": signatures[0]! } })).toBe(true);

    suite.f.clock.advance(1);
    await alert("rotate", 2);
    await w.runOnce();
    const after = r.requests[2]!;
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verifies(newer, after)).toBe(true);
    expect(verifies(oldSecret, after)).toBe(false);
  });

  it("refuses to rotate anything but a webhook subscription", async () => {
    const { subscriptions: [sub] } = await alertingDashboard(suite.f.store, "rotate-persona", [{ kind: "persona", subscriberId: "p" }], 0);
    expect(await suite.f.store.rotateSecret("rotate-persona", sub!.id, newSecret())).toEqual({ ok: false, error: "not-found" });
  });
});

describe("endpoint disabling", () => {
  it("disables an endpoint only once all its deliveries have failed for WEBHOOK_DISABLE_AFTER_MS, then attempts nothing more", async () => {
    const r = await suite.receiver(() => 500);
    const appended: LogEntry[] = [];
    const metrics = new Registry();
    const { subscriptions: [sub] } = await alertingDashboard(suite.f.store, "disable", [{ kind: "webhook", subscriberId: `${r.url}/h`, secret: newSecret() }]);
    const w = worker({ deliveryRetryScheduleMs: [0, 60, 60, 60], webhookDisableAfterMs: 100 }, appended, metrics);
    const run = async () => (await suite.f.database.db.select().from(subscriptions).where(eq(subscriptions.id, sub!.id)))[0]!;

    await w.runOnce();
    const firstFailure = suite.f.clock.now();
    expect((await run()).failingSince).toEqual(firstFailure);
    suite.f.clock.advance(60);
    await w.runOnce();
    // 60 ms of failures: not yet; the run still starts at the first failure.
    expect(await run()).toMatchObject({ enabled: true, failingSince: firstFailure });
    await alert("disable", 1);
    suite.f.clock.advance(40);
    await w.runOnce();
    // The second alert's first attempt fails at 100 ms into the run: disabled.
    expect((await run()).enabled).toBe(false);
    expect(appended.map((e) => [e.event.kind, e.event.data, e.event.actor])).toEqual([["subscription.disabled", { subscription_id: sub!.id }, "system:delivery"]]);
    const { entries } = await suite.f.store.readEvents("disable", { afterSeq: 0, limit: 100 });
    expect(entries.filter((e) => e.event.kind === "subscription.disabled")).toHaveLength(1);
    expect(await metrics.getSingleMetricAsString("dashwatch_webhook_endpoints_disabled_total")).toContain(" 1");

    const requests = r.requests.length;
    suite.f.clock.advance(3_600_000);
    await w.runOnce();
    expect(r.requests).toHaveLength(requests);
    const { deliveries: ledger } = await suite.f.store.listDeliveries("disable", { owner: null, limit: 10 });
    expect(ledger.map((d) => d.status).sort()).toEqual(["cancelled", "failed"]);
    expect(ledger.every((d) => d.attempts.every((a) => a.outcome === "failed"))).toBe(true);
  });

  it("starts the run again after a success, so failures spread over time with successes between never disable", async () => {
    let fail = true;
    const r = await suite.receiver(() => (fail ? 500 : 200));
    const { subscriptions: [sub] } = await alertingDashboard(suite.f.store, "disable-reset", [{ kind: "webhook", subscriberId: `${r.url}/h`, secret: newSecret() }]);
    const w = worker({ deliveryRetryScheduleMs: [0, 80], webhookDisableAfterMs: 100 });
    await w.runOnce();
    fail = false;
    suite.f.clock.advance(80);
    await w.runOnce();
    fail = true;
    await alert("disable-reset", 1);
    suite.f.clock.advance(80);
    await w.runOnce();
    const [row] = await suite.f.database.db.select().from(subscriptions).where(eq(subscriptions.id, sub!.id));
    expect(row).toMatchObject({ enabled: true, failingSince: suite.f.clock.now() });
  });

  it("never disables with WEBHOOK_DISABLE_AFTER_MS=0", async () => {
    const r = await suite.receiver(() => 500);
    const { subscriptions: [sub] } = await alertingDashboard(suite.f.store, "disable-never", [{ kind: "webhook", subscriberId: `${r.url}/h`, secret: newSecret() }]);
    const w = worker({ deliveryRetryScheduleMs: [0, 1_000_000], webhookDisableAfterMs: 0 });
    await w.runOnce();
    suite.f.clock.advance(1_000_000);
    await w.runOnce();
    const [row] = await suite.f.database.db.select().from(subscriptions).where(eq(subscriptions.id, sub!.id));
    expect(row!.enabled).toBe(true);
  });
});
