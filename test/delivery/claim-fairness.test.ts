// The claim locks one dashboard's outbox rows per statement (deliveries are partitioned by dashboard):
// a dashboard with a long backlog does not keep another's due alert waiting, and a batch still fills.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryQueue } from "../../src/delivery/delivery-queue.js";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import { alertingDashboard, createDeliveryFixture, newSecret, type DeliveryFixture } from "./helpers/delivery-fixture.js";

let f: DeliveryFixture;
beforeAll(async () => {
  f = await createDeliveryFixture();
});
afterAll(() => f.close());

const webhook = () => ({ kind: "webhook" as const, subscriberId: "https://hooks.example.com/x", secret: newSecret() });

describe("delivery claim across dashboards", () => {
  it("gives a dashboard with one due alert a place in a batch that an older backlog could fill alone", async () => {
    await alertingDashboard(f.store, "backlog", [webhook()], 12);
    f.clock.advance(1_000);
    await alertingDashboard(f.store, "single", [webhook()], 1);
    const queue = createDeliveryQueue(createDrizzleDeliveryStore(f.database.db), { schedule: [0], leaseMs: 60_000, now: () => new Date(f.clock.now().getTime() + 5_000) });

    const first = await queue.claim(4, ["webhook"]);
    const dashboardsOf = (c: typeof first) => c.jobs.map((j) => j.job.dashboard.id);
    expect(first.jobs).toHaveLength(4);
    expect(dashboardsOf(first).filter((d) => d === "single")).toHaveLength(1);
    // What "single" could not use of its share went to the backlog: the batch is full.
    expect(dashboardsOf(first).filter((d) => d === "backlog")).toHaveLength(3);

    const rest = await queue.claim(100, ["webhook"]);
    expect(rest.jobs).toHaveLength(9);
    expect(new Set([...first.jobs, ...rest.jobs].map((j) => j.job.id)).size).toBe(13);
  });
});
