// Fills a dashboard's log with `count` snapshot.created events straight into the `events` table, in
// batches, and moves the dashboard's head: what 100 000 ingests would leave behind, in seconds rather
// than hours (ingest runs at tens of small snapshots a second on the 2-core bench machine). Each event carries a small diff,
// about the size a 20-row leaderboard's snapshot has, so that the replay moves realistic bytes.
import postgres from "postgres";
import type { HubEvent } from "../../src/index.js";

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

/** The bench's event `seq`, the same bytes whether it is written to the log or published live. */
export function benchEvent(dashboardId: string, seq: number, at: string): HubEvent {
  const snapshotId = `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`;
  return { dashboard_id: dashboardId, seq, kind: "snapshot.created", at, actor: "bench", data: { snapshot_id: snapshotId, diff: sampleDiff(seq) } };
}

/**
 * Appends seqs head+1 .. head+count; the dashboard must exist and have no concurrent writer. With
 * `moveHead: false` the head stays put, for a bench that publishes the same events live afterwards.
 */
export async function prefillLog(databaseUrl: string, dashboardId: string, count: number, o: { moveHead?: boolean; at?: string } = {}): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ head_seq: string }[]>`select head_seq from dashboards where id = ${dashboardId}`;
    if (!row) throw new Error(`no dashboard ${dashboardId}`);
    const head = Number(row.head_seq);
    const at = o.at ?? new Date().toISOString();
    for (let from = head + 1; from <= head + count; from += BATCH) {
      const rows = [];
      for (let seq = from; seq < Math.min(from + BATCH, head + count + 1); seq++) {
        const event = benchEvent(dashboardId, seq, at);
        rows.push({ ...event, at: new Date(at), data: sql.json(event.data as postgres.JSONValue) });
      }
      await sql`insert into events ${sql(rows)}`;
    }
    if (o.moveHead !== false) await setHead(sql, dashboardId, head + count);
    return head + count;
  } finally {
    await sql.end();
  }
}

const setHead = (sql: postgres.Sql, dashboardId: string, head: number) => sql`update dashboards set head_seq = ${head} where id = ${dashboardId}`;

export async function moveHead(databaseUrl: string, dashboardId: string, head: number): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await setHead(sql, dashboardId, head);
  } finally {
    await sql.end();
  }
}
