// The fan-out cases (BENCH_CASE). "broadcast": every client on dashboard:bench, a one-row snapshot per
// publish. "dashboard": 500 persona subscriptions that all match every snapshot, clients spread over their
// persona channels (10 each at 5 000), so one snapshot appends 500 alerts and each client gets its one.
// "dashboard-1000": the same with 1 000-row snapshots whose diffs fill every capped list (100 entries).
// The baselines relay a message padded to Dashwatch's frame size for the case, so the bytes per client match.

export type BenchCase = "broadcast" | "dashboard" | "dashboard-1000";

export interface CaseShape {
  /** Persona channels the clients spread over; 0 = all on dashboard:bench. */
  personas: number;
  dashboard: { rank_by?: string; top_n?: number };
  rows(n: number, sentAt: number): Record<string, unknown>[];
  /** Padding for the baselines' messages: about Dashwatch's frame size for the case, less the envelope. */
  padBytes: number;
}

/** 1 000 rows: 100 ids leave and 100 arrive per snapshot, every score moves, the top 100 reorders. */
function bigRows(n: number): Record<string, unknown>[] {
  return Array.from({ length: 1000 }, (_, i) => ({
    id: i < 900 ? `r${i}` : `x${n}-${i}`,
    // Scores stay in [5000, 15007): no |delta_pct| large enough to crowd the capped list with one row.
    score: 5000 + ((i * 7919 + n * 104_729) % 10_007),
  }));
}

export const CASES: Record<BenchCase, CaseShape> = {
  broadcast: { personas: 0, dashboard: {}, rows: (n, t) => [{ id: "a", t, n }], padBytes: 570 },
  dashboard: { personas: 500, dashboard: {}, rows: (n, t) => [{ id: "a", t, n }], padBytes: 890 },
  "dashboard-1000": { personas: 500, dashboard: { rank_by: "score", top_n: 100 }, rows: (n) => bigRows(n), padBytes: 16_600 },
};

export const personaOf = (i: number) => `p${i}`;
