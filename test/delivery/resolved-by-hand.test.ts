// alert.resolved goes out like alert.matched: a direct outbox row (written by the lifecycle's ingest; here
// by hand, in the same shape) reaches a standardwebhooks-verified receiver and a real SMTP server.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { redactSubscriber } from "../../src/core/redact.js";
import { appendEvents } from "../../src/store/event-log.js";
import { dashboards, deliveries } from "../../src/store/schema.js";
import { alertingDashboard, newSecret } from "./helpers/delivery-fixture.js";
import { useDeliveryTargets } from "./helpers/use-delivery-targets.js";

const t = useDeliveryTargets();

describe("alert.resolved deliveries", () => {
  it("delivers an alert.resolved to a webhook (snapshot_a and diff null) and by email (the subject says resolved)", async () => {
    const secret = newSecret();
    const { subscriptions, snapshots } = await alertingDashboard(
      t.f.store,
      "resolved-hand",
      [
        { kind: "webhook", subscriberId: `${t.hooks.url}/resolved`, secret },
        { kind: "email", subscriberId: "oncall@example.com" },
      ],
      1,
      "Revenue",
    );
    const worker = t.worker();
    // The matched alerts first, so only the resolved ones are left.
    expect(await worker.runOnce()).toBe(2);
    const firedSeqs = snapshots[1]!.alerts.map((a) => a.seq);
    const snapshotId = snapshots[1]!.snapshot_id;

    const entries = await t.f.database.db.transaction(async (tx) => {
      const [d] = await tx.select().from(dashboards).where(eq(dashboards.id, "resolved-hand")).for("update");
      const drafts = subscriptions.map((s, i) => ({
        kind: "alert.resolved" as const,
        data: { subscription_id: s.id, subscriber_kind: s.subscriber_kind, subscriber_id: redactSubscriber(s.subscriber_kind, s.subscriber_id), snapshot_id: snapshotId, fired_seq: firedSeqs[i]!, trace: { node: "set_added_min", matched: false } },
      }));
      const appended = await appendEvents(tx, "resolved-hand", d!.headSeq, drafts, "publisher", t.f.clock.now());
      await tx.insert(deliveries).values(
        subscriptions.map((s, i) => ({
          id: randomUUID(),
          dashboardId: "resolved-hand",
          seq: appended[i]!.event.seq,
          subscriptionId: s.id,
          channel: s.subscriber_kind as "webhook" | "email",
          target: s.subscriber_id,
          reason: "direct" as const,
          nextAttemptAt: t.f.clock.now(),
        })),
      );
      return appended;
    });
    expect(await worker.runOnce()).toBe(2);
    await worker.stop();

    const hook = t.hooks.requests.filter((r) => r.path === "/resolved")[1]!;
    const body = new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as Record<string, unknown>;
    expect(body).toEqual({ dashboard_id: "resolved-hand", snapshot_a: null, snapshot_b: snapshotId, diff: null, event: entries[0]!.event });
    expect(hook.headers["webhook-id"]).toBe(`resolved-hand:${entries[0]!.event.seq}`);

    const mail = t.smtp.messages.filter((m) => m.to.includes("oncall@example.com"))[1]!;
    expect(mail.subject).toBe(`[Dashwatch] Revenue: resolved (the alert of event ${firedSeqs[1]})`);
    expect(mail.text).toContain("is resolved");
    expect(mail.text).toContain(snapshotId);
    const { deliveries: ledger } = await t.f.store.listDeliveries("resolved-hand", { owner: null, status: "delivered", limit: 10 });
    expect(ledger.filter((d) => entries.some((e) => e.event.seq === d.seq))).toHaveLength(2);
  });
});
