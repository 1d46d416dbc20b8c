// Baselines from the database: the snapshot at an offset (one query for every distinct offset, on the
// snapshots_dashboard_taken_at index) and rows through the snapshot cache.
import { sql } from "drizzle-orm";
import { query, type Db } from "./database.js";
import { readSnapshotRows } from "./ingest-reads.js";
import type { BaselineSource } from "./judge-subscriptions.js";
import type { SnapshotCache } from "./snapshot-cache.js";

export function createBaselineSource(q: Db, cache: SnapshotCache, dashboardId: string): BaselineSource {
  return {
    async atOffsets(takenAt, offsets, selfId) {
      // Pruned rows (rows is null, read from the null bitmap, not the value) count as no baseline.
      const rows = await query<{ d: string | number; id: string | null; pruned: boolean | null }>(
        q,
        sql`select t.d, s.id, s.pruned
            from jsonb_array_elements_text(${JSON.stringify(offsets)}::jsonb) as t(d)
            left join lateral (
              select id, rows is null as pruned from snapshots
              where dashboard_id = ${dashboardId} and id <> ${selfId}::uuid
                and taken_at <= ${takenAt.toISOString()}::timestamptz - (t.d::bigint * interval '1 millisecond')
              order by taken_at desc, coalesce(seq, 0) desc, received_at desc limit 1) s on true`,
      );
      return new Map(rows.map((r) => [Number(r.d), r.id !== null && !r.pruned ? r.id : null]));
    },
    async load(id) {
      return (await readSnapshotRows(q, cache, dashboardId, id, "baseline"))?.data ?? null;
    },
  };
}
