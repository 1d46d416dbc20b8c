// Small helpers shared by the benchmark scripts.
import { mkdirSync, writeFileSync } from "node:fs";

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length),
  };
}

export const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

export function writeResult(name: string, data: unknown): void {
  const dir = new URL("./results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(data, null, 2)}\n`);
}

export const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : "-");

/**
 * BENCH_HUB_NODE_ARGS: node flags for the Dashwatch hubs under test only, e.g. "--perf-basic-prof" to read
 * a load window with `perf record -p`, or GC settings to try.
 */
export const hubNodeArgs = (): string[] => (process.env.BENCH_HUB_NODE_ARGS ?? "").split(" ").filter((a) => a.length > 0);
