// Rules v2 costs, in-process on PostgreSQL (the store without HTTP, so the figures are the judging and
// its queries, not the server):
// - ingest CPU per snapshot with 100 subscriptions on 1 000-row snapshots, their baselines spread over 1,
//   3 and 10 distinct `at_offset_ms` values, against all on "previous" (the common case);
// - backtest snapshots/s over a history of 1 000-row snapshots (10 000 by default).
// Each shape runs BENCH_ROUNDS times (default 3); the median is printed with the spread (min..max).
//
// Usage: npx tsx bench/rules-v2.bench.ts. Knobs: BENCH_RULES_N (snapshots per ingest round, default 100),
// BENCH_BACKTEST_SNAPSHOTS (default 10000), BENCH_ROWS (default 1000), TEST_DATABASE_URL.
import { randomBytes, randomUUID } from "node:crypto";
import postgres from "postgres";
import { openDatabase } from "../src/store/database.js";
import { createDrizzleStore } from "../src/store/drizzle-store.js";
import type { Store } from "../src/store/store.js";
import { fmt, median, writeResult } from "./stats.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1000);
const N = Number(process.env.BENCH_RULES_N ?? 100);
const HISTORY = Number(process.env.BENCH_BACKTEST_SNAPSHOTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MINUTE = 60_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** 50 of the rows move by 2-10 % each tick, and ranks 1 and 2 trade places: every rule below holds. */
function rowsAt(tick: number) {
  const rows = Array.from({ length: ROWS }, (_, i) => ({ id: `row-${i}`, score: 100_000 - i * 50, label: `Row number ${i}` }));
  if (tick % 2 === 1) rows[0]!.score = rows[1]!.score - 25;
  for (let k = 0; k < Math.min(50, ROWS - 2); k++) {
    const i = 2 + ((tick * 37 + k * 19) % (ROWS - 2));
    rows[i]!.score = Math.round(rows[i]!.score * (1.02 + ((tick + k) % 9) / 100));
  }
  return rows;
}

const RULES = [
  { value_delta_pct: 0.01, on_field: "score" },
  { or: [{ top_n_reordering: 3 }, { value_delta_pct: 0.01, on_field: "score" }] },
  { and: [{ value_delta_pct: 0.001, on_field: "score" }, { not: { set_removed_min: 1 } }] },
  { top_n_reordering: 2 },
];

async function withDatabase<T>(fn: (store: Store, url: string) => Promise<T>): Promise<T> {
  const name = `dw_bench_${randomBytes(6).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  const store = createDrizzleStore(database);
  try {
    return await fn(store, url.toString());
  } finally {
    await store.close();
    await admin.unsafe(`drop database ${name} with (force)`);
    await admin.end();
  }
}

/** CPU ms of this process per ingested snapshot, 100 subscriptions on `baselines` distinct baselines (0: all "previous"). */
async function ingestShape(store: Store, id: string, baselines: number): Promise<number> {
  await store.createDashboard(id, { name: null, id_field: "id", rank_by: "score", top_n: 10, primary_metric_field: null, metadata: {}, source_url: null });
  for (let i = 0; i < 100; i++) {
    const baseline = baselines === 0 ? "previous" : { at_offset_ms: ((i % baselines) + 1) * MINUTE };
    await store.createSubscription(
      { dashboard_id: id, subscriber_kind: "persona", subscriber_id: `persona-${i}`, threshold_json: RULES[i % RULES.length]!, fallback: null, owner: "bench", baseline },
      { secret: null, fallback_secret: null },
      "bench",
    );
  }
  // Enough history that every offset finds its snapshot, then the measured ticks.
  const ingest = (tick: number) => store.ingestSnapshot({ dashboardId: id, rows: rowsAt(tick), primaryMetric: null, takenAt: new Date(T0 + tick * MINUTE), actor: "bench" });
  for (let tick = 0; tick <= 11; tick++) await ingest(tick);
  const cpu0 = process.cpuUsage();
  for (let tick = 12; tick < 12 + N; tick++) await ingest(tick);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / N;
}

/** Stored history written straight to the table (ingesting 10 000 snapshots would take longer than judging them). */
async function seedHistory(url: string, id: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`insert into dashboards (id, rank_by, created_at) values (${id}, 'score', now())`;
    for (let from = 0; from < HISTORY; from += 50) {
      const batch = Array.from({ length: Math.min(50, HISTORY - from) }, (_, k) => {
        const tick = from + k;
        return { id: randomUUID(), dashboard_id: id, seq: tick + 1, taken_at: new Date(T0 + tick * MINUTE), received_at: new Date(T0 + tick * MINUTE), row_count: ROWS, rows: JSON.stringify(rowsAt(tick)) };
      });
      await sql`insert into snapshots (id, dashboard_id, seq, taken_at, received_at, row_count, rows)
        select x.id, x.dashboard_id, x.seq, x.taken_at, x.received_at, x.row_count, x.rows::json
        from jsonb_to_recordset(${sql.json(batch as never)}) as x(id uuid, dashboard_id text, seq bigint, taken_at timestamptz, received_at timestamptz, row_count int, rows text)`;
    }
  } finally {
    await sql.end();
  }
}

const spread = (v: number[]) => `${fmt(median(v))} (${fmt(Math.min(...v))}..${fmt(Math.max(...v))})`;

async function main() {
  const out: Record<string, number[]> = {};
  await withDatabase(async (store, url) => {
    // A discarded first shape, so that the JIT's warm-up does not land on whichever shape runs first.
    await ingestShape(store, "warm-up", 3);
    for (let round = 0; round < ROUNDS; round++) {
      for (const baselines of [0, 1, 3, 10]) {
        const label = baselines === 0 ? "ingest cpu ms/snapshot, all previous" : `ingest cpu ms/snapshot, ${baselines} baselines`;
        (out[label] ??= []).push(await ingestShape(store, `ing-${round}-${baselines}`, baselines));
      }
    }
    await seedHistory(url, "history");
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      const result = await store.backtest("history", {
        rule: { or: [{ top_n_reordering: 3 }, { value_delta_pct: 0.05, on_field: "score" }] },
        baseline: "previous",
        lifecycle: { for_snapshots: 2, resolve: true, resolve_after_snapshots: 2, cooldown_ms: 0 },
        maxSnapshots: HISTORY,
      });
      if (!result.ok) throw new Error("history over the bound");
      (out["backtest snapshots/s"] ??= []).push(result.value.evaluated / ((performance.now() - started) / 1000));
    }
  });
  console.log(`rows ${ROWS}, ingest ${N} snapshots x ${ROUNDS} rounds, backtest history ${HISTORY}`);
  for (const [label, values] of Object.entries(out)) console.log(`${label.padEnd(42)} ${spread(values)}`);
  writeResult("rules-v2", { rows: ROWS, n: N, history: HISTORY, rounds: ROUNDS, figures: out });
}

await main();
