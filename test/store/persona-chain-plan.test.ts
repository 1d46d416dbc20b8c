// Numbering persona events reads each alerting persona's last seq (its `prev_seq`). That read must not
// grow with the log: with 20 000 persona events on the dashboard, PostgreSQL's plan for the statement the
// ingest really sends (captured with its parameters) probes the persona index, and scans no events.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import type { Store } from "../../src/store/store.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";

let pg: TestDatabase & { url: string };
let database: Database;
let store: Store;
let admin: postgres.Sql;
let capturing = false;
const captured: { query: string; params: unknown[] }[] = [];

beforeAll(async () => {
  pg = await createPostgresDatabase();
  database = await openDatabase({ databaseUrl: pg.url, poolSize: 2, queryLogger: { logQuery: (query, params) => void (capturing && captured.push({ query, params })) } });
  store = createDrizzleStore(database);
  admin = postgres(pg.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await Promise.all([store?.close(), admin?.end()]);
  await pg?.drop();
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe("the persona chain lookup", () => {
  it("probes the persona index once per persona however long the log is", async () => {
    await store.createDashboard("chain", { ...DEFAULT_SETTINGS, rank_by: "score" }, "o");
    for (const persona of ["p-1", "p-2"]) {
      await store.createSubscription({ dashboard_id: "chain", subscriber_kind: "persona", subscriber_id: persona, threshold_json: { value_delta_pct: 0.01, on_field: "score" }, fallback: null, owner: "o" }, { secret: null, fallback_secret: null }, "o");
    }
    await store.ingestSnapshot({ dashboardId: "chain", rows: [{ id: "a", score: 1 }], primaryMetric: null, takenAt: null, actor: "t" });
    const [dashboard] = await admin<{ head: number }[]>`select head_seq::int as head from dashboards where id = 'chain'`;
    const head = dashboard!.head;
    // A long log of other personas' alerts after the head, then the head moved past it.
    await admin`insert into events (dashboard_id, seq, kind, at, actor, data, persona)
                select 'chain', ${head} + g, 'alert.matched', now(), 't', '{}'::jsonb, 'other-' || (g % 50) from generate_series(1, 20000) g`;
    await admin`update dashboards set head_seq = ${head + 20000} where id = 'chain'`;
    await admin`analyze events`;

    capturing = true;
    const result = await store.ingestSnapshot({ dashboardId: "chain", rows: [{ id: "a", score: 2 }], primaryMetric: null, takenAt: null, actor: "t" });
    capturing = false;
    expect(result.ok && result.value.alerts).toHaveLength(2);
    const lookup = captured.filter((c) => /\bfrom unnest\(/.test(c.query) && /\bpersona\b/.test(c.query));
    expect(lookup).toHaveLength(1);
    const [row] = await admin.unsafe(`explain (format json) ${lookup[0]!.query}`, lookup[0]!.params as never[]);
    const nodes = nodesOf((row as unknown as { "QUERY PLAN": { Plan: PlanNode }[] })["QUERY PLAN"][0]!.Plan);
    expect(nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"]?.startsWith("events"))).toEqual([]);
    expect(nodes.some((n) => n["Node Type"] === "Index Only Scan" || n["Node Type"] === "Index Scan")).toBe(true);
  });
});
