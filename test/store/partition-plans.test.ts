// Every per-dashboard query the store and the delivery queue issue touches one partition of each
// partitioned table: the queries are captured with their real parameters as the code runs them, and
// PostgreSQL's EXPLAIN of each must name at most one partition of events, snapshots and deliveries.
import type postgres from "postgres";
import { beforeAll, describe, expect, it } from "vitest";
import { createDeliveryQueue } from "../../src/delivery/delivery-queue.js";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import type { Database } from "../../src/store/database.js";
import type { Store } from "../../src/store/store.js";
import { alertingDashboard, newSecret } from "../delivery/helpers/delivery-fixture.js";
import { planNodes, useCapturedPlans, type Captured, type PlanNode } from "../helpers/captured-plans.js";

// The one query that reads across partitions on purpose: the claim's look at the soonest due rows, which
// takes no locks and only names the dashboards that are then claimed one by one.
const CROSS_PARTITION_BY_DESIGN = /^select "dashboard_id" from "deliveries" where .* order by "deliveries"\."next_attempt_at" asc limit \$\d+$/;

const t = useCapturedPlans();
let store: Store;
let admin: postgres.Sql;
let database: Database;
let captured: Captured[] = [];
beforeAll(() => {
  ({ store, admin, database } = t);
});

const relationsOf = (node: PlanNode): string[] => planNodes(node).flatMap((n) => (n["Relation Name"] ? [n["Relation Name"]] : []));

/** Each table partition's parent table (indexes have partitions too; they are not counted). */
async function partitionParents(): Promise<Map<string, string>> {
  const rows = await admin<{ child: string; parent: string }[]>`
    select c.relname as child, p.relname as parent from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where c.relkind = 'r'`;
  return new Map(rows.map((r) => [r.child, r.parent]));
}

/** The partitions of each partitioned table that the plan of one statement reads or writes. */
async function partitionsTouched(c: Captured, parentOf: Map<string, string>): Promise<Map<string, Set<string>>> {
  const plan = await t.planOf(c);
  const touched = new Map<string, Set<string>>();
  for (const relation of relationsOf(plan)) {
    const parent = parentOf.get(relation);
    if (parent) touched.set(parent, (touched.get(parent) ?? new Set()).add(relation));
  }
  return touched;
}

async function exercisePerDashboardQueries(id: string) {
  const webhook = { kind: "webhook" as const, subscriberId: "https://hooks.example.com/a", secret: newSecret() };
  const persona = { kind: "persona" as const, subscriberId: "alice", fallback: { after_ms: 0, email: "a@example.com" } };
  const { snapshots } = await alertingDashboard(store, id, [webhook, persona], 2);
  const latest = snapshots.at(-1)!;
  await store.updateDashboard(id, { name: "renamed" });
  await store.getDashboard(id);
  await store.listSnapshots(id, 10);
  await store.getSnapshot(id, latest.snapshot_id);
  await store.snapshotAt(id, new Date(Date.UTC(2024, 0, 1, 0, 1, 30)));
  await store.readEvents(id, { afterSeq: 0, limit: 100 });
  await store.readEvents(id, { afterSeq: 1, limit: 100, kinds: ["alert.matched"], persona: "alice", from: new Date(0), to: new Date() });
  await store.recordAck("alice", id, 3);
  await store.ackedSeq("alice", id);
  const subs = await store.listSubscriptions(id, null);
  await store.getSubscription(id, subs[0]!.id);
  await store.claimIdempotencyKey(id, "k", "hash");
  await store.completeIdempotencyKey(id, "k", 201, {});
  await store.releaseIdempotencyKey(id, "k");
  const queue = createDeliveryQueue(createDrizzleDeliveryStore(database.db), { schedule: [0, 1000], leaseMs: 60_000 });
  const claim = await queue.claim(10, ["webhook", "email"]);
  expect(claim.jobs.length).toBeGreaterThan(0);
  const [first, second] = claim.jobs;
  await queue.record(first!, { ok: true });
  if (second) await queue.record(second, { ok: false, retryable: true, error: "503" });
  await rulesV2Queries(id, subs[1]!.id);
  await store.deleteSubscription(id, subs[0]!.id, "tester");
}

/** Baselines at an offset and last_notified, a lifecycle that fires and resolves (cancelling its fallback), PATCH, backtest, explain. */
async function rulesV2Queries(id: string, personaSub: string) {
  const lifecycle = { for_snapshots: 1, resolve: true, resolve_after_snapshots: 1, cooldown_ms: 0 };
  await store.updateSubscription(id, personaSub, { threshold_json: { set_added_min: 1 }, baseline: { at_offset_ms: 60_000 }, lifecycle }, "tester", newSecret());
  for (const [minute, ids] of [[10, ["a"]], [11, ["a", "b"]], [12, ["a"]]] as const) {
    const result = await store.ingestSnapshot({ dashboardId: id, rows: ids.map((r) => ({ id: r, score: 1 })), primaryMetric: null, takenAt: new Date(Date.UTC(2024, 0, 1, 0, minute)), actor: "tester" });
    expect(result.ok).toBe(true);
  }
  await store.updateSubscription(id, personaSub, { baseline: "last_notified" }, "tester", newSecret());
  const latest = (await store.listSnapshots(id, 1))[0]!.id;
  expect(await store.explain(id, personaSub, latest)).toMatchObject({ ok: true, value: { matched: expect.any(Boolean) } });
  expect(await store.backtest(id, { rule: { set_added_min: 1 }, baseline: { at_offset_ms: 60_000 }, lifecycle, from: new Date(0), to: new Date(), maxSnapshots: 10_000 })).toHaveProperty("value.firings");
}

describe("partitioned by dashboard_id", () => {
  it("touches one partition of events, snapshots and deliveries in every per-dashboard query", async () => {
    // Neighbours in other partitions, so a plan that reads every partition would show them.
    for (const n of [1, 2, 3, 4, 5]) await alertingDashboard(store, `neighbour-${n}`, [{ kind: "webhook", subscriberId: "https://hooks.example.com/n", secret: newSecret() }], 1);
    captured = await t.capture(() => exercisePerDashboardQueries("plans"));

    const parentOf = await partitionParents();
    expect(new Set(parentOf.values())).toEqual(new Set(["events", "snapshots", "deliveries"]));

    const onPartitioned = captured.filter((c) => /"(events|snapshots|deliveries)"|\b(events|snapshots|deliveries)\b/.test(c.query));
    const byDesign = onPartitioned.filter((c) => CROSS_PARTITION_BY_DESIGN.test(c.query));
    expect(byDesign).toHaveLength(1);
    expect(byDesign[0]!.query).not.toMatch(/for update/);
    const checked = onPartitioned.filter((c) => !byDesign.includes(c));
    // Ingest, the log reads, the snapshot reads, the claim, its load and its settling are all here.
    expect(checked.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const c of checked) {
      for (const [table, parts] of await partitionsTouched(c, parentOf)) {
        if (parts.size > 1) offenders.push(`${table} ×${parts.size}: ${c.query}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("would catch a query that reads every partition", async () => {
    const parentOf = await partitionParents();
    // The join on id alone that the log used before it named the dashboard in it.
    const touched = await partitionsTouched(
      {
        query: `select e.seq, s.diff from events e left join snapshots s on s.id = e.snapshot_id where e.dashboard_id = $1 and e.seq > $2`,
        params: ["plans", 0],
      },
      parentOf,
    );
    expect(touched.get("events")?.size).toBe(1);
    expect(touched.get("snapshots")?.size).toBe(16);
  });
});
