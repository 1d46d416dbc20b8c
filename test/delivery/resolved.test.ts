// alert.resolved travels like alert.matched: a resolving lifecycle's firing and its resolution both reach a
// webhook receiver (verified with standardwebhooks) and an SMTP server, from the outbox ingest wrote.
import { Webhook } from "standardwebhooks";
import { describe, expect, it, onTestFinished } from "vitest";
import { newSecret, outbox } from "./helpers/delivery-fixture.js";
import { startSmtpReceiver } from "./helpers/smtp-receiver.js";
import { useDeliveryFixture } from "./helpers/use-delivery-fixture.js";
import { fixtureWorker } from "./helpers/use-delivery-targets.js";

const suite = useDeliveryFixture();

const LIFECYCLE = { for_snapshots: 1, resolve: true, resolve_after_snapshots: 1, cooldown_ms: 0 };

describe("alert.resolved deliveries", () => {
  it("reaches the webhook receiver, signed, and the SMTP server after the alert it resolves", async () => {
    const { f } = suite;
    const [hooks, smtp] = await Promise.all([suite.receiver(), startSmtpReceiver()]);
    onTestFinished(() => smtp.close());
    const d = "resolved-delivery";
    const created = await f.store.createDashboard(d, { name: "Resolving", id_field: "id", rank_by: null, top_n: 10, primary_metric_field: null, metadata: {}, source_url: null });
    expect(created).toMatchObject({ ok: true });
    const secret = newSecret();
    const sub = (kind: "webhook" | "email", subscriberId: string, s: string | null) =>
      f.store.createSubscription(
        { dashboard_id: d, subscriber_kind: kind, subscriber_id: subscriberId, threshold_json: { set_added_min: 1 }, fallback: null, owner: "tester", lifecycle: LIFECYCLE },
        { secret: s, fallback_secret: null },
        "tester",
      );
    const hook = (await sub("webhook", `${hooks.url}/${d}`, secret)).subscription.id;
    await sub("email", "ops@example.com", null);
    const seqs: { seq: number; hook: boolean }[] = [];
    for (const [minute, ids] of [[0, ["a"]], [1, ["a", "b"]], [2, ["a"]]] as const) {
      const result = await f.store.ingestSnapshot({ dashboardId: d, rows: ids.map((id) => ({ id })), primaryMetric: null, takenAt: new Date(Date.UTC(2026, 0, 1, 0, minute)), actor: "tester" });
      if (!result.ok) throw new Error(result.error);
      seqs.push(...result.value.alerts.map((a) => ({ seq: a.seq, hook: a.subscription_id === hook })));
    }
    expect(seqs).toHaveLength(4);
    // Both subscriptions fire on the second snapshot and resolve on the third.
    const [firedHook, resolvedHook] = seqs.filter((a) => a.hook).map((a) => a.seq);
    const [firedMail] = seqs.filter((a) => !a.hook).map((a) => a.seq);

    const worker = fixtureWorker(f, smtp.url);
    expect(await worker.runOnce()).toBe(4);
    await worker.stop();

    const received = hooks.requests.filter((r) => r.path === `/${d}`);
    const verified = received.map((r) =>
      new Webhook(secret).verify(r.body, {
        "webhook-id": String(r.headers["webhook-id"]),
        "webhook-timestamp": String(r.headers["webhook-timestamp"]),
        "webhook-signature": String(r.headers["webhook-signature"]),
      }) as { event: { seq: number; kind: string; data: { fired_seq?: number } } },
    );
    const resolved = verified.find((b) => b.event.kind === "alert.resolved");
    expect(verified.map((b) => b.event.seq).sort()).toEqual([firedHook, resolvedHook].sort());
    expect(resolved).toMatchObject({ event: { seq: resolvedHook, data: { fired_seq: firedHook } } });
    expect(received.find((r) => String(r.headers["webhook-id"]) === `${d}:${resolvedHook}`)).toBeDefined();

    const mails = smtp.messages.filter((m) => m.to.includes("ops@example.com"));
    expect(mails).toHaveLength(2);
    expect(mails.some((m) => m.text.includes("resolved") && m.text.includes(String(firedMail)))).toBe(true);
    expect((await outbox(f.database, d)).map((r) => r.status)).toEqual(["delivered", "delivered", "delivered", "delivered"]);
  });
});
