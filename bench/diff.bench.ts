// Times computeDiff (+ capDiff and 100 rules) on realistic snapshot pairs. Run: npx tsx bench/diff.bench.ts
// Writes bench/results/diff.json. A plain script, not a test: timings depend on the machine.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import { capDiff, computeDiff } from "../src/core/diff.js";
import { rankRows } from "../src/core/rank.js";
import { evaluateRule } from "../src/core/rules.js";
import type { RankSettings, Row, Rule, SnapshotData } from "../src/core/types.js";

// Each timed run starts on a collected heap, after a pause that lets the collector's background sweeping
// finish: it is charged for its own work, not for its predecessors' garbage. (Its own garbage is collected
// after the clock stops; in a live process part of that would land inside some diff.)
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;
const pause = new Int32Array(new SharedArrayBuffer(4));
function settle(): void {
  collectGarbage();
  Atomics.wait(pause, 0, 0, 100);
}

/** Deterministic PRNG (mulberry32) so every run measures the same data. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeRow(k: number, random: () => number): Row {
  return {
    id: `item-${k}`,
    name: `Item ${k}`,
    score: Math.round(random() * 1_000_000) / 100,
    views: Math.floor(random() * 50_000),
    revenue: Math.round(random() * 1e7) / 100,
    region: k % 3 === 0 ? "eu" : "us",
  };
}

/**
 * The next snapshot of a live table: 1 % of rows leave, 1 % arrive, 10 % change values (moving their rank),
 * a few of the top swap places. Rows are given in rank order, as a dashboard export lists them, and both
 * sides go through JSON like stored snapshots do.
 */
function makePair(size: number, seed: number): { a: SnapshotData; b: SnapshotData } {
  const random = prng(seed);
  const rows: Row[] = Array.from({ length: size }, (_, k) => makeRow(k, random));
  const byScore = (x: Row, y: Row) => (y.score as number) - (x.score as number);
  const next: Row[] = [];
  for (const row of rows) {
    const r = random();
    if (r < 0.01) continue;
    if (r < 0.11) next.push({ ...row, score: (row.score as number) * (0.5 + random()), views: (row.views as number) + 1 });
    else next.push({ ...row });
  }
  for (let k = 0; k < size / 100; k++) next.push(makeRow(size + k, random));
  next.sort(byScore);
  for (let k = 0; k + 1 < 10; k += 3) {
    const [x, y] = [next[k]!, next[k + 1]!];
    [x.score, y.score] = [y.score, x.score];
    [next[k], next[k + 1]] = [y, x];
  }
  rows.sort(byScore);
  const through = (r: Row[]) => JSON.parse(JSON.stringify(r)) as Row[];
  return { a: { rows: through(rows), primaryMetric: null }, b: { rows: through(next), primaryMetric: null } };
}

function rowsThrough(rows: Row[], primaryMetric: number | null): SnapshotData {
  return { rows: JSON.parse(JSON.stringify(rows)) as Row[], primaryMetric };
}

/** Rows in the order they were inserted, as a publisher reading its table without ORDER BY sends them. */
function inInsertionOrder(snapshot: SnapshotData): SnapshotData {
  const serial = (row: Row) => Number(String(row.id).slice("item-".length));
  return rowsThrough([...snapshot.rows].sort((x, y) => serial(x) - serial(y)), snapshot.primaryMetric);
}

/** Rows in an order unrelated to rank and to the other snapshot's order: the worst case for memory. */
function shuffled(snapshot: SnapshotData, seed: number): SnapshotData {
  const random = prng(seed);
  const rows = [...snapshot.rows];
  for (let k = rows.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [rows[k], rows[j]] = [rows[j]!, rows[k]!];
  }
  return rowsThrough(rows, snapshot.primaryMetric);
}

/** 100 rules of every kind and some nesting, as many subscriptions of one dashboard would hold. */
function makeRules(topN: number): Rule[] {
  const rules: Rule[] = [];
  for (let k = 0; k < 100; k++) {
    const leaves: Rule[] = [
      { top_n_reordering: 1 + (k % topN) },
      { value_delta_pct: (k % 20) / 10, on_field: ["score", "views", "revenue"][k % 3]! },
      { set_added_min: 1 + k },
      { set_removed_min: 1 + k },
      { primary_metric_delta_pct: (k % 10) / 100 },
    ];
    const leaf = leaves[k % leaves.length]!;
    rules.push(k % 4 === 0 ? { and: [leaf, { not: leaves[(k + 1) % 5]! }] } : k % 4 === 1 ? { or: leaves } : leaf);
  }
  return rules;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** ranked: rows sent in rank order; stable: in insertion order, the same on both sides; shuffled: neither. */
type Given = "ranked" | "stable" | "shuffled";
/**
 * cold: both sides ranked from scratch. warm: the old side was ranked before, as in ingest, where it was the
 * new side of the previous diff and stays parsed in the snapshot cache (rankRows remembers it).
 */
type Mode = "cold" | "warm";

interface CaseResult {
  rows: number;
  rank_by: string | null;
  given: Given;
  mode: Mode;
  iterations: number;
  diff_ms: { median: number; p95: number };
  /** Process CPU time of the same runs: steadier than wall time on a shared machine. */
  diff_cpu_ms: { median: number };
  diff_and_rules_ms: { median: number; p95: number };
  rows_per_s: number;
  counts: ReturnType<typeof computeDiff>["counts"];
}

function runCase(size: number, rankBy: string | null, given: Given, mode: Mode, iterations: number): CaseResult {
  const pair = makePair(size, size);
  const [a, b] =
    given === "ranked"
      ? [pair.a, pair.b]
      : given === "stable"
        ? [inInsertionOrder(pair.a), inInsertionOrder(pair.b)]
        : [shuffled(pair.a, 1), shuffled(pair.b, 2)];
  const settings: RankSettings = { idField: "id", rankBy, topN: 10, primaryMetricField: "revenue" };
  const rules = makeRules(settings.topN);
  const once = () => {
    // Fresh arrays (same rows) so no side's ranking is remembered from an earlier iteration.
    const old: SnapshotData = { rows: [...a.rows], primaryMetric: a.primaryMetric };
    const next: SnapshotData = { rows: [...b.rows], primaryMetric: b.primaryMetric };
    if (mode === "warm") rankRows(old.rows, settings);
    settle();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const full = computeDiff(old, next, settings);
    capDiff(full);
    const cpu = process.cpuUsage(cpu0);
    const t1 = performance.now();
    for (const rule of rules) evaluateRule(rule, full);
    return { diff: t1 - t0, cpu: (cpu.user + cpu.system) / 1000, total: performance.now() - t0, counts: full.counts };
  };
  for (let k = 0; k < 5; k++) once();
  const runs = Array.from({ length: iterations }, once);
  const ascending = (pick: (run: ReturnType<typeof once>) => number) => runs.map(pick).sort((x, y) => x - y);
  const [diffs, cpus, totals] = [ascending((r) => r.diff), ascending((r) => r.cpu), ascending((r) => r.total)];
  const round = (x: number) => Math.round(x * 100) / 100;
  const median = quantile(diffs, 0.5);
  return {
    rows: size,
    rank_by: rankBy,
    given,
    mode,
    iterations,
    diff_ms: { median: round(median), p95: round(quantile(diffs, 0.95)) },
    diff_cpu_ms: { median: round(quantile(cpus, 0.5)) },
    diff_and_rules_ms: { median: round(quantile(totals, 0.5)), p95: round(quantile(totals, 0.95)) },
    rows_per_s: Math.round((size * 1000) / median),
    counts: runs[0]!.counts,
  };
}

const cases = [10_000, 100_000].flatMap((size) => {
  const iterations = size > 10_000 ? 25 : 50;
  return (["cold", "warm"] as const).flatMap((mode) => [
    runCase(size, null, "ranked", mode, iterations),
    runCase(size, "score", "ranked", mode, iterations),
    runCase(size, "score", "stable", mode, iterations),
    runCase(size, "score", "shuffled", mode, iterations),
  ]);
});
console.log("rows     rank_by  given    mode  diff median  diff p95  diff cpu  +100 rules median  +100 rules p95  rows/s");
for (const c of cases) {
  console.log(
    [
      String(c.rows).padEnd(8),
      String(c.rank_by ?? "-").padEnd(8),
      c.given.padEnd(8),
      c.mode.padEnd(5),
      `${c.diff_ms.median} ms`.padStart(11),
      `${c.diff_ms.p95} ms`.padStart(9),
      `${c.diff_cpu_ms.median} ms`.padStart(9),
      `${c.diff_and_rules_ms.median} ms`.padStart(18),
      `${c.diff_and_rules_ms.p95} ms`.padStart(15),
      c.rows_per_s.toLocaleString("en").padStart(12),
    ].join(" "),
  );
}
const out = new URL("./results/", import.meta.url);
mkdirSync(out, { recursive: true });
const machine = { node: process.version, cpu: os.cpus()[0]?.model ?? "unknown", cpus: os.cpus().length };
writeFileSync(new URL("diff.json", out), `${JSON.stringify({ machine, cases }, null, 2)}\n`);
