import { describe, expect, it } from "vitest";
import { planDelivery, type ClaimedRow } from "../../src/delivery/delivery-plan.js";
import { nextAttemptAt } from "../../src/delivery/retry-schedule.js";
import { sampleJob } from "./helpers/sample-job.js";

const { event } = sampleJob("webhook", "https://hooks.example.com/");
const at = new Date("2024-01-02T00:00:00Z");
const live = { enabled: true, previousSecret: null, previousSecretUntil: null };
const plan = (r: ClaimedRow, when = at) => planDelivery(r, when);

const row = (over: { delivery?: Partial<ClaimedRow["delivery"]> } & Partial<Omit<ClaimedRow, "delivery">> = {}): ClaimedRow => ({
  event,
  subscription: { kind: "persona", secret: null, fallbackSecret: "whsec_ZmFsbGJhY2s=", ...live },
  dashboard: { name: "Contract", topN: 5 },
  ackedSeq: 0,
  ...over,
  delivery: { id: "d1", dashboardId: "contract", subscriptionId: "s1", seq: 7, channel: "webhook", target: "https://hooks.example.com/", reason: "fallback", attempts: 0, ...over.delivery },
});

describe("planDelivery", () => {
  it.each([
    { acked: 6, expected: "send" },
    { acked: 7, expected: "skip" },
    { acked: 9, expected: "skip" },
  ])("a due fallback for seq 7 with acked seq $acked: $expected", ({ acked, expected }) => {
    expect(plan(row({ ackedSeq: acked })).kind).toBe(expected);
  });

  it("does not take back a fallback retry because of an ack that came after it fell due", () => {
    expect(plan(row({ ackedSeq: 7, delivery: { attempts: 1 } })).kind).toBe("send");
  });

  it("signs a fallback webhook with the fallback secret and a direct one with the subscription's secret", () => {
    const fallback = plan(row());
    const direct = plan(row({ subscription: { kind: "webhook", secret: "whsec_ZGlyZWN0", fallbackSecret: null, ...live }, delivery: { reason: "direct" } }));
    expect(fallback.kind === "send" && fallback.job.secret).toBe("whsec_ZmFsbGJhY2s=");
    expect(direct.kind === "send" && direct.job.secret).toBe("whsec_ZGlyZWN0");
  });

  it("carries the dashboard's name and top_n for the email", () => {
    const email = plan(row({ delivery: { channel: "email", target: "a@example.com" } }));
    expect(email.kind === "send" && email.job).toMatchObject({ secret: null, dashboard: { id: "contract", name: "Contract", topN: 5 }, alert: { snapshot_id: event.data.snapshot_id } });
  });

  it("skips the delivery of a deleted subscription and fails one whose alert was pruned", () => {
    expect(plan(row({ subscription: null }))).toMatchObject({ kind: "skip", why: "the subscription was deleted" });
    expect(plan(row({ event: null }))).toMatchObject({ kind: "fail", id: "d1" });
    expect(plan(row({ event: { ...event, kind: "snapshot.created" } }))).toMatchObject({ kind: "fail" });
  });
});

describe("planDelivery, version 2", () => {
  const rotated = (until: string) => ({ kind: "webhook" as const, secret: "whsec_bmV3", fallbackSecret: null, enabled: true, previousSecret: "whsec_b2xk", previousSecretUntil: new Date(until) });

  it.each([
    { until: "2024-01-02T00:00:01Z", previous: "whsec_b2xk" },
    { until: "2024-01-02T00:00:00Z", previous: null },
  ])("signs with the rotated-out secret only while its overlap lasts (until $until)", ({ until, previous }) => {
    const p = plan(row({ subscription: rotated(until), delivery: { reason: "direct" } }));
    expect(p.kind === "send" && [p.job.secret, p.job.previousSecret]).toEqual(["whsec_bmV3", previous]);
  });

  it("never signs a fallback with the subscription's rotated-out secret", () => {
    const p = plan(row({ subscription: { ...rotated("2024-01-03T00:00:00Z"), kind: "persona", fallbackSecret: "whsec_ZmFsbGJhY2s=" } }));
    expect(p.kind === "send" && p.job.previousSecret).toBeNull();
  });

  it("cancels the delivery of a disabled subscription", () => {
    expect(plan(row({ subscription: { ...rotated("2024-01-01T00:00:00Z"), enabled: false }, delivery: { reason: "direct" } }))).toMatchObject({ kind: "skip", why: "the subscription is disabled" });
  });

  it("plans an alert.resolved, which has no diff", () => {
    const resolved = { ...event, kind: "alert.resolved" as const, data: { subscription_id: "s1", subscriber_kind: "webhook", subscriber_id: "https://hooks.example.com", snapshot_id: "b", fired_seq: 3, trace: {} } };
    const p = plan(row({ event: resolved, delivery: { reason: "direct" } }));
    expect(p.kind === "send" && p.job.alert).toEqual({ kind: "resolved", subscription_id: "s1", snapshot_id: "b", compared_snapshot_id: null, previous_snapshot_id: null, fired_seq: 3, diff: null });
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
