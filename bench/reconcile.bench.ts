// The reconciler's cost (src/hub/reconcile.ts): one followedHeads query per interval per node, for the
// dashboards and personas its sessions follow. 10 000 followed dashboards, plus 100 personas with a persona
// subscription and an alert on 100 dashboards each (10 000 more rows). Usage: npx tsx bench/reconcile.bench.ts
import postgres from "postgres";
import { openStore } from "../test/helpers/open-store.js";
import { fmt, summarize, writeResult } from "./stats.js";

const DASHBOARDS = Number(process.env.BENCH_RECONCILE_DASHBOARDS ?? 10_000);
const PERSONAS = 100;
const PER_PERSONA = 100;
const RUNS = 30;
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const name = `dw_bench_reconcile_${process.pid}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const store = await openStore({ databaseUrl: url.toString() });
const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
try {
  const ids = Array.from({ length: DASHBOARDS }, (_, i) => `board-${i}`);
  await sql`insert into dashboards (id, head_seq) select 'board-' || g, 50 + g % 7 from generate_series(0, ${DASHBOARDS - 1}) g`;
  await sql`insert into subscriptions (id, dashboard_id, subscriber_kind, subscriber_id, threshold_json, owner)
            select gen_random_uuid(), 'board-' || (p * ${PER_PERSONA} + d), 'persona', 'persona-' || p, '{"set_added_min":1}', 'persona-' || p
              from generate_series(0, ${PERSONAS - 1}) p, generate_series(0, ${PER_PERSONA - 1}) d`;
  // A log behind every dashboard (50 events), with each persona's alert among them.
  await sql`insert into events (dashboard_id, seq, kind, at, actor, data)
            select 'board-' || g, s, 'snapshot.created', now(), 'bench', '{}' from generate_series(0, ${DASHBOARDS - 1}) g, generate_series(1, 50) s`;
  await sql`update events set kind = 'alert.matched', persona = 'persona-' || (substr(dashboard_id, 7)::int / ${PER_PERSONA})
             where seq = 40 and substr(dashboard_id, 7)::int < ${PERSONAS * PER_PERSONA}`;
  await sql`analyze`;
  const personas = Array.from({ length: PERSONAS }, (_, i) => `persona-${i}`);

  const measure = async (dashboards: string[], ps: string[]) => {
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = performance.now();
      const heads = await store.followedHeads(dashboards, ps);
      if (i >= 3) ms.push(performance.now() - t0);
      rows = heads.dashboards.size + [...heads.personas.values()].reduce((n, m) => n + m.size, 0);
    }
    return { rows, ...summarize(ms) };
  };
  const pingMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await store.ping();
    pingMs.push(performance.now() - t0);
  }
  const ping = summarize(pingMs);
  const small = await measure(ids.slice(0, 100), personas.slice(0, 1));
  const full = await measure(ids, personas);
  const result = { dashboards: DASHBOARDS, personas: PERSONAS, ping, small, full };
  console.log(`baseline, store.ping():                        p50 ${fmt(ping.p50)} ms, p99 ${fmt(ping.p99)} ms`);
  console.log(`followedHeads, 100 dashboards + 1 persona:    ${small.rows} rows, p50 ${fmt(small.p50)} ms, p99 ${fmt(small.p99)} ms`);
  console.log(`followedHeads, ${DASHBOARDS} dashboards + ${PERSONAS} personas: ${full.rows} rows, p50 ${fmt(full.p50)} ms, p99 ${fmt(full.p99)} ms`);
  writeResult("reconcile", result);
} finally {
  await sql.end();
  await store.close();
  await admin.unsafe(`drop database ${name} with (force)`);
  await admin.end();
}
