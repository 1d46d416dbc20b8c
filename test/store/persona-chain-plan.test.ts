// A persona event's `prev_seq` is its persona's last seq before it, found by the events insert itself.
// That lookup must not grow with the log: with 20 000 persona events on the dashboard, PostgreSQL's plan
// for the insert the ingest really sends (captured with its parameters) probes the persona index, and
// scans no events; and the chain it writes is right, in the batch and across it.
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { planNodes, useCapturedPlans } from "../helpers/captured-plans.js";

const t = useCapturedPlans(2);

describe("the persona chain lookup", () => {
  it("probes the persona index, scanning no events, however long the log is", async () => {
    const { store, admin } = t;
    await store.createDashboard("chain", { ...DEFAULT_SETTINGS, rank_by: "score" }, "o");
    // p-1 twice (two alerts of one persona in one batch), p-2 once.
    for (const [persona, rule] of [["p-1", { value_delta_pct: 0.01, on_field: "score" }], ["p-1", { top_n_reordering: 1 }], ["p-2", { value_delta_pct: 0.01, on_field: "score" }]] as const) {
      await store.createSubscription({ dashboard_id: "chain", subscriber_kind: "persona", subscriber_id: persona, threshold_json: rule, fallback: null, owner: "o" }, { secret: null, fallback_secret: null }, "o");
    }
    const rows = (k: number) => [{ id: "a", score: k % 2 === 0 ? 1 : 3 }, { id: "b", score: 2 }];
    await store.ingestSnapshot({ dashboardId: "chain", rows: rows(0), primaryMetric: null, takenAt: null, actor: "t" });
    await store.ingestSnapshot({ dashboardId: "chain", rows: rows(1), primaryMetric: null, takenAt: null, actor: "t" });
    const [dashboard] = await admin<{ head: number }[]>`select head_seq::int as head from dashboards where id = 'chain'`;
    const head = dashboard!.head;
    // A long log of other personas' alerts after the head, then the head moved past it.
    await admin`insert into events (dashboard_id, seq, kind, at, actor, data, persona)
                select 'chain', ${head} + g, 'alert.matched', now(), 't', '{}'::jsonb, 'other-' || (g % 50) from generate_series(1, 20000) g`;
    await admin`update dashboards set head_seq = ${head + 20000} where id = 'chain'`;
    await admin`analyze events`;

    let result: Awaited<ReturnType<typeof store.ingestSnapshot>> | undefined;
    const captured = await t.capture(async () => {
      result = await store.ingestSnapshot({ dashboardId: "chain", rows: rows(2), primaryMetric: null, takenAt: null, actor: "t" });
    });
    expect(result?.ok && result.value.alerts).toHaveLength(3);
    const lookup = captured.filter((c) => /^\s*insert into events/.test(c.query));
    expect(lookup).toHaveLength(1);
    const nodes = planNodes(await t.planOf(lookup[0]!));
    expect(nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"]?.startsWith("events"))).toEqual([]);
    expect(nodes.some((n) => n["Node Type"] === "Index Only Scan" || n["Node Type"] === "Index Scan")).toBe(true);

    // The chain, by seq: the second ingest's three alerts, then the third's, after the long log.
    const chain = await admin<{ seq: number; persona: string; prev_seq: number }[]>`
      select seq::int, persona, prev_seq::int from events where dashboard_id = 'chain' and persona in ('p-1', 'p-2') order by seq`;
    const [a, b, c, a2, b2, c2] = chain;
    expect(chain.map((e) => e.persona)).toEqual(["p-1", "p-1", "p-2", "p-1", "p-1", "p-2"]);
    expect(chain.map((e) => e.prev_seq)).toEqual([0, a!.seq, 0, b!.seq, a2!.seq, c!.seq]);
    expect(b2!.seq - a2!.seq).toBe(1);
    if (!result?.ok) return;
    const live = result.value.entries.filter((e) => e.persona !== null).map((e) => [e.event.seq, e.prev_seq]);
    expect(live, "the committed entries carry the prev_seq the insert wrote").toEqual([a2, b2, c2].map((e) => [e!.seq, e!.prev_seq]));
  });
});
