import { describe, expect, it } from "vitest";
import { planDelivery, type ClaimedRow } from "../../src/delivery/delivery-plan.js";
import { nextAttemptAt } from "../../src/delivery/retry-schedule.js";
import { sampleJob } from "./helpers/sample-job.js";

const { event } = sampleJob("webhook", "https://hooks.example.com/");

const row = (over: { delivery?: Partial<ClaimedRow["delivery"]> } & Partial<Omit<ClaimedRow, "delivery">> = {}): ClaimedRow => ({
  event,
  subscription: { kind: "persona", secret: null, fallbackSecret: "whsec_ZmFsbGJhY2s=" },
  dashboard: { name: "Contract", topN: 5 },
  ackedSeq: 0,
  ...over,
  delivery: { id: "d1", dashboardId: "contract", seq: 7, channel: "webhook", target: "https://hooks.example.com/", reason: "fallback", attempts: 0, ...over.delivery },
});

describe("planDelivery", () => {
  it.each([
    { acked: 6, plan: "send" },
    { acked: 7, plan: "skip" },
    { acked: 9, plan: "skip" },
  ])("a due fallback for seq 7 with acked seq $acked: $plan", ({ acked, plan }) => {
    expect(planDelivery(row({ ackedSeq: acked })).kind).toBe(plan);
  });

  it("does not take back a fallback retry because of an ack that came after it fell due", () => {
    expect(planDelivery(row({ ackedSeq: 7, delivery: { attempts: 1 } })).kind).toBe("send");
  });

  it("signs a fallback webhook with the fallback secret and a direct one with the subscription's secret", () => {
    const fallback = planDelivery(row());
    const direct = planDelivery(row({ subscription: { kind: "webhook", secret: "whsec_ZGlyZWN0", fallbackSecret: null }, delivery: { reason: "direct" } }));
    expect(fallback.kind === "send" && fallback.job.secret).toBe("whsec_ZmFsbGJhY2s=");
    expect(direct.kind === "send" && direct.job.secret).toBe("whsec_ZGlyZWN0");
  });

  it("carries the dashboard's name and top_n for the email", () => {
    const plan = planDelivery(row({ delivery: { channel: "email", target: "a@example.com" } }));
    expect(plan.kind === "send" && plan.job).toMatchObject({ secret: null, dashboard: { id: "contract", name: "Contract", topN: 5 }, alert: { snapshot_id: event.data.snapshot_id } });
  });

  it("skips the delivery of a deleted subscription and fails one whose alert was pruned", () => {
    expect(planDelivery(row({ subscription: null }))).toMatchObject({ kind: "skip", why: "the subscription was deleted" });
    expect(planDelivery(row({ event: null }))).toMatchObject({ kind: "fail", id: "d1" });
    expect(planDelivery(row({ event: { ...event, kind: "snapshot.created" } }))).toMatchObject({ kind: "fail" });
  });
});

describe("nextAttemptAt", () => {
  const failedAt = new Date("2024-01-01T00:00:00Z");
  it.each([
    { made: 1, expected: "2024-01-01T00:00:05.000Z" },
    { made: 2, expected: "2024-01-01T00:05:00.000Z" },
    { made: 3, expected: null },
  ])("after $made failed attempts of [0, 5000, 300000]: $expected", ({ made, expected }) => {
    expect(nextAttemptAt([0, 5_000, 300_000], made, failedAt)?.toISOString() ?? null).toBe(expected);
  });
});
