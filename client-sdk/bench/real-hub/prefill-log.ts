// Fills a dashboard's log with `count` snapshot.created events straight into the `events` table, in
// batches, and moves the dashboard's head: what 100 000 ingests would leave behind, in seconds rather
// than hours (ingest runs at a few hundred small snapshots a second). Each event carries a small diff,
// about the size a 20-row leaderboard's snapshot has, so that the replay moves realistic bytes.
import { randomUUID } from "node:crypto";
import postgres from "postgres";

const BATCH = 5000;

const sampleDiff = (i: number) => ({
  top_n_changes: [
    { id: `r${i % 20}`, from_rank: 2, to_rank: 1 },
    { id: `r${(i + 1) % 20}`, from_rank: 1, to_rank: 2 },
  ],
  row_value_deltas: [{ id: `r${i % 20}`, field: "score", from: i, to: i + 5, delta: 5, delta_pct: 5 / Math.max(1, i) }],
  id_set_added: [],
  id_set_removed: [],
  primary_metric_delta_pct: 0.01,
  counts: { top_n_changes: 2, row_value_deltas: 1, id_set_added: 0, id_set_removed: 0 },
});

/** Appends seqs head+1 .. head+count; the dashboard must exist and have no concurrent writer. */
export async function prefillLog(databaseUrl: string, dashboardId: string, count: number): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ head_seq: string }[]>`select head_seq from dashboards where id = ${dashboardId}`;
    if (!row) throw new Error(`no dashboard ${dashboardId}`);
    const head = Number(row.head_seq);
    const at = new Date();
    for (let from = 1; from <= count; from += BATCH) {
      const rows = [];
      for (let seq = from; seq < Math.min(from + BATCH, count + 1); seq++) {
        const data = { snapshot_id: randomUUID(), diff: sampleDiff(seq) };
        rows.push({ dashboard_id: dashboardId, seq: head + seq, kind: "snapshot.created", at, actor: "bench", data: sql.json(data) });
      }
      await sql`insert into events ${sql(rows)}`;
    }
    await sql`update dashboards set head_seq = ${head + count} where id = ${dashboardId}`;
    return head + count;
  } finally {
    await sql.end();
  }
}
