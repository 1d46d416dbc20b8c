// The behaviour the DeliveryStore owes the delivery queue, on whatever database it runs.
// Run by delivery-store.contract.test.ts against PostgreSQL and against PGlite.
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import { ATTEMPT_ERROR_MAX, type AttemptRecord, type ClaimedRow, type DeliveryStore, type DueRows } from "../../src/store/delivery-store.js";
import { deliveries as deliveriesTable, deliveryAttempts, subscriptions } from "../../src/store/schema.js";
import { alertingDashboard, createDeliveryFixture, newSecret, outbox, type DeliveryFixture } from "../delivery/helpers/delivery-fixture.js";
import type { TestDatabase } from "../helpers/test-database.js";

const LEASE_MS = 60_000;

export function deliveryStoreContract(name: string, open: () => Promise<TestDatabase>) {
  describe(`DeliveryStore contract: ${name}`, () => {
    let f: DeliveryFixture;
    let target: TestDatabase;
    let deliveries: DeliveryStore;

    beforeAll(async () => {
      target = await open();
      f = await createDeliveryFixture(target);
      deliveries = createDrizzleDeliveryStore(f.database.db);
    });
    afterAll(async () => {
      await f?.close();
      await target?.drop();
    });

    const dueNow = (more: Partial<DueRows> = {}): DueRows => ({ channels: ["webhook", "email"], skipTargets: [], firstDueBy: f.clock.now(), retryDueBy: f.clock.now(), ...more });
    const leaseUntil = () => new Date(f.clock.now().getTime() + LEASE_MS);
    const webhook = (path: string) => ({ kind: "webhook" as const, subscriberId: `https://hooks.example.com/${path}`, secret: newSecret() });
    const attemptsOf = (dashboardId: string, deliveryId: string) =>
      f.database.db
        .select()
        .from(deliveryAttempts)
        .where(and(eq(deliveryAttempts.dashboardId, dashboardId), eq(deliveryAttempts.deliveryId, deliveryId)))
        .orderBy(asc(deliveryAttempts.n));

    /** Leases the one due row of a dashboard with a webhook subscription, for the attempt cases. */
    async function leasedWebhookRow(dashboardId: string): Promise<{ row: ClaimedRow; until: Date }> {
      await alertingDashboard(f.store, dashboardId, [webhook(dashboardId)]);
      const until = leaseUntil();
      const [row] = await deliveries.lease(dashboardId, dueNow(), 10, until);
      if (!row) throw new Error(`nothing to lease on ${dashboardId}`);
      return { row, until };
    }

    function failedAttempt(row: ClaimedRow, until: Date, n = row.delivery.attempts + 1): AttemptRecord {
      const at = f.clock.now();
      return {
        dashboardId: row.delivery.dashboardId,
        deliveryId: row.delivery.id,
        subscriptionId: row.delivery.subscriptionId,
        disablesEndpoint: true,
        leaseUntil: until,
        at,
        n,
        outcome: "failed",
        statusCode: 503,
        error: "503 Service Unavailable",
        durationMs: 12.6,
        row: { status: "pending", attempts: n, nextAttemptAt: at },
      };
    }

    it("names the dashboards with due rows, soonest due first, each once, and no more than asked", async () => {
      await alertingDashboard(f.store, "due-old", [webhook("old")], 2);
      f.clock.advance(1_000);
      await alertingDashboard(f.store, "due-new", [webhook("new")]);
      const named = await deliveries.dueDashboards(dueNow(), 100, 10);
      expect(named.filter((d) => d.startsWith("due-"))).toEqual(["due-old", "due-new"]);
      expect(await deliveries.dueDashboards(dueNow(), 100, 1)).toHaveLength(1);
    });

    it("counts a first attempt due only by firstDueBy, passes over other channels and skipped targets", async () => {
      await alertingDashboard(f.store, "filters", [webhook("filters")]);
      const at = f.clock.now();
      const early = new Date(at.getTime() - 1);
      expect(await deliveries.dueDashboards(dueNow({ firstDueBy: early }), 100, 100)).not.toContain("filters");
      expect(await deliveries.dueDashboards(dueNow({ channels: ["email"] }), 100, 100)).not.toContain("filters");
      expect(await deliveries.dueDashboards(dueNow({ skipTargets: ["https://hooks.example.com/filters"] }), 100, 100)).not.toContain("filters");
      expect(await deliveries.dueDashboards(dueNow(), 100, 100)).toContain("filters");
    });

    it("leases due rows with the alert, the subscription, the dashboard and the ack they refer to", async () => {
      const secret = newSecret();
      await alertingDashboard(f.store, "loaded", [{ kind: "webhook", subscriberId: "https://hooks.example.com/loaded", secret }], 1, "Loaded");
      const until = leaseUntil();
      const [row, ...rest] = await deliveries.lease("loaded", dueNow(), 10, until);
      expect(rest).toEqual([]);
      expect(row).toMatchObject({
        delivery: { dashboardId: "loaded", seq: row!.event!.seq, channel: "webhook", target: "https://hooks.example.com/loaded", reason: "direct", attempts: 0 },
        event: { dashboard_id: "loaded", kind: "alert.matched" },
        subscription: { kind: "webhook", secret, enabled: true, fallbackSecret: null, previousSecret: null, previousSecretUntil: null },
        dashboard: { name: "Loaded", topN: 10 },
        ackedSeq: 0,
      });
      expect(row!.event!.data).toHaveProperty("diff");
      const [stored] = await outbox(f.database, "loaded");
      expect(stored!.nextAttemptAt).toEqual(until);
    });

    it("reads the persona's ack for a fallback row", async () => {
      const persona = { kind: "persona" as const, subscriberId: "carol", fallback: { after_ms: 0, email: "carol@example.com" } };
      const { snapshots } = await alertingDashboard(f.store, "acked", [persona]);
      const seq = snapshots.at(-1)!.seq_range.to;
      await f.store.recordAck("carol", "acked", seq);
      const [row] = await deliveries.lease("acked", dueNow(), 10, leaseUntil());
      expect(row).toMatchObject({ delivery: { reason: "fallback", channel: "email" }, subscription: { kind: "persona" }, ackedSeq: seq });
    });

    it("leases no more than asked, soonest first, and a leased row only once until its lease runs out", async () => {
      await alertingDashboard(f.store, "leases", [webhook("leases")], 3);
      // The newest alert's row made the soonest due, so order by due time and by seq differ.
      const newest = (await outbox(f.database, "leases")).at(-1)!;
      await f.database.db.update(deliveriesTable).set({ nextAttemptAt: new Date(f.clock.now().getTime() - 1_000) }).where(eq(deliveriesTable.id, newest.id));
      const until = leaseUntil();
      const first = await deliveries.lease("leases", dueNow(), 2, until);
      expect(first).toHaveLength(2);
      expect(first[0]!.delivery.id).toBe(newest.id);
      const second = await deliveries.lease("leases", dueNow(), 10, until);
      expect(second).toHaveLength(1);
      expect(await deliveries.lease("leases", dueNow(), 10, until)).toEqual([]);
      expect(new Set([...first, ...second].map((r) => r.delivery.id)).size).toBe(3);
      // A lease runs out when the clock passes it: the rows are due again.
      expect(await deliveries.lease("leases", dueNow({ firstDueBy: until }), 10, new Date(until.getTime() + LEASE_MS))).toHaveLength(3);
    });

    it("never leases one row twice to claims that run at once", async () => {
      await alertingDashboard(f.store, "racing", [webhook("racing")], 6);
      const until = leaseUntil();
      const claims = await Promise.all([0, 1, 2].map(() => deliveries.lease("racing", dueNow(), 6, until)));
      const ids = claims.flat().map((r) => r.delivery.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
    });

    it("reads a deleted subscription as null", async () => {
      const { subscriptions: [sub] } = await alertingDashboard(f.store, "deleted", [webhook("deleted")]);
      await f.store.deleteSubscription("deleted", sub!.id, "tester");
      const [row] = await deliveries.lease("deleted", dueNow(), 10, leaseUntil());
      expect(row).toMatchObject({ subscription: null });
    });

    it("settles unsent rows with their own status and reason, only while their lease holds", async () => {
      await alertingDashboard(f.store, "unsent", [webhook("unsent")], 3);
      const until = leaseUntil();
      const [a, b, c] = await deliveries.lease("unsent", dueNow(), 10, until);
      const at = f.clock.now();
      const stale = new Date(until.getTime() - 1);
      expect(await deliveries.settleUnsent("unsent", stale, at, [{ id: c!.delivery.id, status: "failed", why: "late" }])).toBe(0);
      expect(await deliveries.settleUnsent("unsent", until, at, [])).toBe(0);
      const settled = await deliveries.settleUnsent("unsent", until, at, [
        { id: a!.delivery.id, status: "cancelled", why: "the subscription is disabled" },
        { id: b!.delivery.id, status: "failed", why: "the alert event is no longer in the log (retention)" },
      ]);
      expect(settled).toBe(2);
      const rows = new Map((await outbox(f.database, "unsent")).map((r) => [r.id, r]));
      expect(rows.get(a!.delivery.id)).toMatchObject({ status: "cancelled", lastError: "the subscription is disabled", nextAttemptAt: at });
      expect(rows.get(b!.delivery.id)).toMatchObject({ status: "failed", lastError: "the alert event is no longer in the log (retention)", nextAttemptAt: at });
      expect(rows.get(c!.delivery.id)).toMatchObject({ status: "pending", lastError: null, nextAttemptAt: until });
      // Settled rows are no longer pending: a second settle finds nothing.
      expect(await deliveries.settleUnsent("unsent", until, at, [{ id: a!.delivery.id, status: "failed", why: "again" }])).toBe(0);
    });

    it("records an attempt on the row and in the ledger, with the error bounded", async () => {
      const { row, until } = await leasedWebhookRow("ledger");
      const long = "x".repeat(ATTEMPT_ERROR_MAX + 100);
      const record = { ...failedAttempt(row, until), error: long };
      expect(await deliveries.recordAttempt(record, 0)).toEqual({ ok: true, value: { overdue: false } });
      expect((await outbox(f.database, "ledger"))[0]).toMatchObject({ status: "pending", attempts: 1, lastError: "x".repeat(ATTEMPT_ERROR_MAX), nextAttemptAt: record.at });
      expect(await attemptsOf("ledger", row.delivery.id)).toEqual([
        { dashboardId: "ledger", deliveryId: row.delivery.id, n: 1, at: record.at, outcome: "failed", statusCode: 503, error: "x".repeat(ATTEMPT_ERROR_MAX), durationMs: 13 },
      ]);
    });

    it("reports lease-lost and writes nothing once another claim holds the row", async () => {
      const { row, until } = await leasedWebhookRow("lost");
      const late = { ...failedAttempt(row, new Date(until.getTime() - 1)) };
      expect(await deliveries.recordAttempt(late, 0)).toEqual({ ok: false, error: "lease-lost" });
      expect(await attemptsOf("lost", row.delivery.id)).toEqual([]);
      expect((await outbox(f.database, "lost"))[0]).toMatchObject({ status: "pending", attempts: 0, nextAttemptAt: until });
      const done = { ...failedAttempt(row, until), outcome: "delivered" as const, statusCode: 200, error: null };
      done.row = { status: "delivered", attempts: 1, nextAttemptAt: done.at };
      expect(await deliveries.recordAttempt(done, 0)).toEqual({ ok: true, value: { overdue: false } });
      // Delivered is final: the same lease cannot write again.
      expect(await deliveries.recordAttempt(done, 0)).toEqual({ ok: false, error: "lease-lost" });
      expect(await attemptsOf("lost", row.delivery.id)).toHaveLength(1);
    });

    it("runs an endpoint's failure run from its first failure, clears it on success, and calls it overdue after disableAfterMs", async () => {
      const { row, until } = await leasedWebhookRow("run");
      const failingSince = async () => (await f.database.db.select().from(subscriptions).where(eq(subscriptions.id, row.delivery.subscriptionId)))[0]!.failingSince;
      const first = failedAttempt(row, until);
      expect(await deliveries.recordAttempt(first, 10_000)).toEqual({ ok: true, value: { overdue: false } });
      expect(await failingSince()).toEqual(first.at);

      f.clock.advance(10_000);
      const again = failedAttempt({ ...row, delivery: { ...row.delivery, attempts: 1 } }, first.row.nextAttemptAt);
      expect(await deliveries.recordAttempt(again, 10_000)).toEqual({ ok: true, value: { overdue: true } });
      // The run still starts at the first failure.
      expect(await failingSince()).toEqual(first.at);

      f.clock.advance(1);
      const never = failedAttempt({ ...row, delivery: { ...row.delivery, attempts: 2 } }, again.row.nextAttemptAt);
      expect(await deliveries.recordAttempt(never, 0)).toEqual({ ok: true, value: { overdue: false } });

      const ok = { ...failedAttempt({ ...row, delivery: { ...row.delivery, attempts: 3 } }, never.row.nextAttemptAt), outcome: "delivered" as const, error: null, statusCode: 204 };
      ok.row = { status: "delivered", attempts: 4, nextAttemptAt: ok.at };
      expect(await deliveries.recordAttempt(ok, 10_000)).toEqual({ ok: true, value: { overdue: false } });
      expect(await failingSince()).toBeNull();
    });

    it("leaves the failure run alone for rows that do not disable their endpoint", async () => {
      const { row, until } = await leasedWebhookRow("fallback-run");
      const record = { ...failedAttempt(row, until), disablesEndpoint: false };
      expect(await deliveries.recordAttempt(record, 1)).toEqual({ ok: true, value: { overdue: false } });
      const [sub] = await f.database.db.select().from(subscriptions).where(eq(subscriptions.id, row.delivery.subscriptionId));
      expect(sub!.failingSince).toBeNull();
    });

    it("disables an overdue endpoint once, fails the row that tipped it over and appends subscription.disabled", async () => {
      const { row, until } = await leasedWebhookRow("disable");
      const first = failedAttempt(row, until);
      await deliveries.recordAttempt(first, 5_000);
      f.clock.advance(5_000);
      const tipping = failedAttempt({ ...row, delivery: { ...row.delivery, attempts: 1 } }, first.row.nextAttemptAt);
      expect(await deliveries.recordAttempt(tipping, 5_000)).toEqual({ ok: true, value: { overdue: true } });

      const disabled = await deliveries.disableEndpoint(tipping, 5_000);
      expect(disabled.ok).toBe(true);
      expect(disabled.ok && disabled.value.map((e) => e.event)).toMatchObject([
        { dashboard_id: "disable", kind: "subscription.disabled", actor: "system:delivery", data: { subscription_id: row.delivery.subscriptionId } },
      ]);
      expect((await outbox(f.database, "disable"))[0]).toMatchObject({ status: "failed", attempts: 2, nextAttemptAt: tipping.at });
      const [sub] = await f.database.db.select().from(subscriptions).where(eq(subscriptions.id, row.delivery.subscriptionId));
      expect(sub!.enabled).toBe(false);

      expect(await deliveries.disableEndpoint(tipping, 5_000)).toEqual({ ok: false, error: "run-cleared" });
      expect(await deliveries.disableEndpoint({ ...tipping, dashboardId: "no-such-dashboard" }, 5_000)).toEqual({ ok: false, error: "dashboard-gone" });
    });

    it("does not disable an endpoint whose run a success cleared in between", async () => {
      const { row, until } = await leasedWebhookRow("cleared");
      const first = failedAttempt(row, until);
      await deliveries.recordAttempt(first, 5_000);
      f.clock.advance(5_000);
      await f.database.db.update(subscriptions).set({ failingSince: null }).where(eq(subscriptions.id, row.delivery.subscriptionId));
      expect(await deliveries.disableEndpoint(failedAttempt(row, first.row.nextAttemptAt), 5_000)).toEqual({ ok: false, error: "run-cleared" });
      const [sub] = await f.database.db.select().from(subscriptions).where(eq(subscriptions.id, row.delivery.subscriptionId));
      expect(sub!.enabled).toBe(true);
    });
  });
}
