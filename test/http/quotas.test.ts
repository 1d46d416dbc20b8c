// MAX_SUBSCRIPTIONS_PER_DASHBOARD and MAX_SUBSCRIPTIONS_PER_OWNER: one more → 409 quota-exceeded and nothing
// created, also when creates race (they count under the dashboard's row lock).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { setupDashboard, stateOf } from "../helpers/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const rule = { set_added_min: 1 };
const persona = (sub: string) => ({ subscriber_kind: "persona", subscriber_id: sub, threshold_json: rule });
const create = (t: TestApp, token: string, dashboard: string, body: unknown = { subscriber_kind: "email", subscriber_id: "x@example.com", threshold_json: rule }) =>
  t.call("POST", `/api/dashboard/${dashboard}/subscriptions`, { token, body });

async function createMany(t: TestApp, token: string, dashboard: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  // In bounded parallel batches: each create locks the dashboard row, so they queue there anyway.
  for (let done = 0; done < n; done += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - done) }, () => create(t, token, dashboard)));
    statuses.push(...batch.map((r) => r.status));
  }
  return statuses;
}

describe("the configuration", () => {
  it("defaults to 1000 per dashboard and 100 per owner, and refuses a malformed value naming it", () => {
    expect(loadConfig({}).subscriptionQuota).toEqual({ perDashboard: 1000, perOwner: 100 });
    expect(loadConfig({ MAX_SUBSCRIPTIONS_PER_DASHBOARD: "7", MAX_SUBSCRIPTIONS_PER_OWNER: "2" }).subscriptionQuota).toEqual({ perDashboard: 7, perOwner: 2 });
    try {
      loadConfig({ MAX_SUBSCRIPTIONS_PER_DASHBOARD: "0", MAX_SUBSCRIPTIONS_PER_OWNER: "many" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(":")[0]).sort()).toEqual(["MAX_SUBSCRIPTIONS_PER_DASHBOARD", "MAX_SUBSCRIPTIONS_PER_OWNER"]);
    }
  });
});

describe("subscription quotas at small configured values", () => {
  let t: TestApp;
  let admin: string;
  let alice: string;
  let bob: string;
  let carol: string;
  beforeAll(async () => {
    t = await createTestApp({ subscriptionQuota: { perDashboard: 5, perOwner: 3 } });
    admin = await setupDashboard(t, "q");
    [alice, bob, carol] = await Promise.all([t.token({ sub: "alice" }), t.token({ sub: "bob" }), t.token({ sub: "carol" })]);
  });
  afterAll(() => t.close());

  it("lets an owner make its 3rd subscription and answers its 4th with 409, creating nothing", async () => {
    expect(await createMany(t, alice, "q", 3)).toEqual([201, 201, 201]);
    const before = await stateOf(t, admin, "q");
    const refused = await create(t, alice, "q", persona("alice"));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: "https://dashwatch.dev/problems/quota-exceeded", status: 409, title: "Quota exceeded" });
    expect(refused.body.detail).toContain("MAX_SUBSCRIPTIONS_PER_OWNER");
    expect(await stateOf(t, admin, "q")).toEqual(before);
  });

  it("counts the dashboard's total across owners: the 5th is made, the 6th is 409", async () => {
    expect(await createMany(t, bob, "q", 2)).toEqual([201, 201]);
    const before = await stateOf(t, admin, "q");
    const refused = await create(t, carol, "q", persona("carol"));
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("MAX_SUBSCRIPTIONS_PER_DASHBOARD");
    expect(await stateOf(t, admin, "q")).toEqual(before);
  });

  it("gives the slot back when a subscription is deleted, and counts per dashboard", async () => {
    const [first] = (await t.call("GET", "/api/dashboard/q/subscriptions", { token: bob })).body.subscriptions;
    expect((await t.call("DELETE", `/api/dashboard/q/subscriptions/${first.id}`, { token: bob })).status).toBe(204);
    expect((await create(t, carol, "q", persona("carol"))).status).toBe(201);
    await setupDashboard(t, "q2");
    expect(await createMany(t, alice, "q2", 3)).toEqual([201, 201, 201]);
  });

  it("makes exactly one of several concurrent creates at quota − 1", async () => {
    for (let round = 0; round < 5; round++) {
      const id = `race${round}`;
      await setupDashboard(t, id);
      expect(await createMany(t, alice, id, 2)).toEqual([201, 201]);
      const statuses = (await Promise.all([1, 2, 3, 4].map(() => create(t, alice, id)))).map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409]);
      const listed = await t.call("GET", `/api/dashboard/${id}/subscriptions`, { token: admin });
      expect(listed.body.subscriptions).toHaveLength(3);
      const created = await t.call("GET", `/api/dashboard/${id}/events?kinds=subscription.created`, { token: admin });
      expect(created.body.events).toHaveLength(3);
    }
  });
});

describe("subscription quotas at the defaults", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  // A hundred creates, each in its own transaction: on PGlite and a busy machine that takes a while.
  it("the 100th subscription of an owner is made, the 101st is 409", { timeout: 120_000 }, async () => {
    const admin = await setupDashboard(t, "d100");
    const alice = await t.token({ sub: "alice" });
    expect((await createMany(t, alice, "d100", 100)).every((s) => s === 201)).toBe(true);
    expect((await create(t, alice, "d100")).status).toBe(409);
    expect((await create(t, admin, "d100")).status).toBe(201);
  });
});
