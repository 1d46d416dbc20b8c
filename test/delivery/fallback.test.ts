import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { alertingDashboard, newSecret, outbox } from "./helpers/delivery-fixture.js";
import { useDeliveryTargets } from "./helpers/use-delivery-targets.js";

const t = useDeliveryTargets();

const AFTER_MS = 1_000;

/** A persona subscription whose fallback goes to both a webhook and an email address. */
async function personaWithFallback(dashboardId: string) {
  const fallbackSecret = newSecret();
  const made = await alertingDashboard(t.f.store, dashboardId, [
    {
      kind: "persona",
      subscriberId: `${dashboardId}-persona`,
      fallback: { after_ms: AFTER_MS, webhook_url: `${t.hooks.url}/${dashboardId}`, email: `${dashboardId}@example.com` },
      fallbackSecret,
    },
  ]);
  const worker = t.worker();
  return { fallbackSecret, worker, persona: `${dashboardId}-persona`, seq: made.snapshots[1]!.alerts[0]!.seq };
}

const hooksFor = (dashboardId: string) => t.hooks.requests.filter((r) => r.path === `/${dashboardId}`);
const mailsFor = (dashboardId: string) => t.smtp.messages.filter((m) => m.to.includes(`${dashboardId}@example.com`));

describe("fallback deliveries", () => {
  it("sends nothing when the persona acks the alert within after_ms: the ack cancels the fallbacks at once", async () => {
    const { worker, persona, seq } = await personaWithFallback("fb-acked");
    t.f.clock.advance(AFTER_MS - 1);
    expect(await worker.runOnce()).toBe(0);
    await t.f.store.recordAck(persona, "fb-acked", seq, "session-1");
    t.f.clock.advance(1);
    // Nothing left for the queue to settle: the ack did.
    expect(await worker.runOnce()).toBe(0);
    await worker.stop();

    expect(hooksFor("fb-acked")).toHaveLength(0);
    expect(mailsFor("fb-acked")).toHaveLength(0);
    expect(await outbox(t.f.database, "fb-acked")).toMatchObject([
      { channel: "email", reason: "fallback", status: "cancelled", attempts: 0 },
      { channel: "webhook", reason: "fallback", status: "cancelled", attempts: 0 },
    ]);
  });

  it("sends to the webhook, signed with the fallback secret, and to the email when nobody acks in time", async () => {
    const { worker, persona, seq, fallbackSecret } = await personaWithFallback("fb-missed");
    // An ack of an earlier alert does not cover this one.
    await t.f.store.recordAck(persona, "fb-missed", seq - 1);
    t.f.clock.advance(AFTER_MS);
    expect(await worker.runOnce()).toBe(2);
    await worker.stop();

    const [hook, ...moreHooks] = hooksFor("fb-missed");
    expect(moreHooks).toHaveLength(0);
    const headers = {
      "webhook-id": String(hook!.headers["webhook-id"]),
      "webhook-timestamp": String(hook!.headers["webhook-timestamp"]),
      "webhook-signature": String(hook!.headers["webhook-signature"]),
    };
    expect(headers["webhook-id"]).toBe(`fb-missed:${seq}`);
    expect(new Webhook(fallbackSecret).verify(hook!.body, headers)).toMatchObject({ dashboard_id: "fb-missed", event: { seq, kind: "alert.matched" } });
    const [mail] = mailsFor("fb-missed");
    expect(mail!.text).toContain("no session acknowledged the alert");
    expect(await outbox(t.f.database, "fb-missed")).toMatchObject([
      { channel: "email", status: "delivered", attempts: 1 },
      { channel: "webhook", status: "delivered", attempts: 1 },
    ]);
  });

  it("leaves a fallback acked after its deadline to the queue, which cancels it if it was not tried yet", async () => {
    const { worker, persona, seq } = await personaWithFallback("fb-due");
    // An ack after the deadline does not cancel at ack time: by then the fallback may be on its way.
    t.f.clock.advance(AFTER_MS);
    await t.f.store.recordAck(persona, "fb-due", seq);
    expect(await outbox(t.f.database, "fb-due")).toMatchObject([{ status: "pending" }, { status: "pending" }]);
    expect(await worker.runOnce()).toBe(2);
    await worker.stop();
    expect(hooksFor("fb-due")).toHaveLength(0);
    expect(await outbox(t.f.database, "fb-due")).toMatchObject([{ status: "cancelled" }, { status: "cancelled" }]);
  });

  it("does not send a fallback before after_ms, even when nobody acked", async () => {
    const { worker } = await personaWithFallback("fb-early");
    t.f.clock.advance(AFTER_MS - 1);
    expect(await worker.runOnce()).toBe(0);
    await worker.stop();
    expect(hooksFor("fb-early")).toHaveLength(0);
    expect(await outbox(t.f.database, "fb-early")).toMatchObject([{ status: "pending" }, { status: "pending" }]);
  });
});
