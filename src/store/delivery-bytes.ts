// What a delivery of the ledger weighs as JSON, measured in the database before anything is loaded, so that a
// page of deliveries heavy with attempts stops at its byte budget without reading them to find out.
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { query, type Db } from "./database.js";
import { deliveries, deliveryAttempts } from "./schema.js";

// The members' keys, quotes, colons, commas and braces, the two uuids and created_at (24 ISO characters in
// quotes), the quotes of channel, reason, status and dashboard_id, and the attempts' brackets. The rest is
// measured row by row, so the sum is the exact UTF-8 byte length of JSON.stringify(delivery), which the tests hold it to.
const DELIVERY_FIXED_BYTES = 237;
// An attempt's keys and punctuation, its `at` in quotes and the quotes of its outcome.
const ATTEMPT_FIXED_BYTES = 90;

/**
 * The JSON length of the delivery row in scope (CONTRACT "Delivery ledger"), attempts included. An
 * attempt's error is measured as PostgreSQL escapes it for JSON, which is byte for byte what JSON.stringify
 * makes of the same text (PostgreSQL text holds no NUL and no lone surrogate, the only cases they differ in).
 */
function deliveryBytes(): SQL<number> {
  const [row, a] = [deliveries, deliveryAttempts];
  const attempts = sql`(select coalesce(sum(${ATTEMPT_FIXED_BYTES} + length(${a.n}::text) + length(${a.outcome})
      + coalesce(length(${a.statusCode}::text), 4) + coalesce(octet_length(to_json(${a.error})::text), 4)
      + length(${a.durationMs}::text)) + count(*) - 1, 0)
    from ${a} where ${a.dashboardId} = ${row.dashboardId} and ${a.deliveryId} = ${row.id})`;
  return sql<number>`${DELIVERY_FIXED_BYTES} + octet_length(${row.dashboardId}) + length(${row.seq}::text)
    + length(${row.channel}) + length(${row.reason}) + length(${row.status})
    + case when ${row.status} = 'pending' then 26 else 4 end + ${attempts}`;
}

/**
 * The ids of the page's leading deliveries whose JSON fits in `maxBytes` together (the first always counts),
 * and how many the page held. `page` selects the page's `id` and `seq`, ordered and limited. The walk measures
 * one delivery at a time and stops one past the bound, so a page of heavy deliveries is measured only as far
 * as it is sent, and its attempts are summed where they lie: none is loaded to find out.
 */
export async function idsWithin(db: Db, dashboardId: string, page: SQLWrapper, maxBytes: number): Promise<{ ids: string[]; of: number }> {
  const d = deliveries;
  const rows = await query<{ id: string; of: number }>(db, sql`
    with recursive page as materialized (
      select coalesce(array_agg(p.id order by p.seq, p.id), '{}') as ids from (${page}) p
    ), walk(n, total) as (
      select 0, 0::bigint
      union all
      select walk.n + 1, walk.total + (select ${deliveryBytes()} from ${d} where ${d.dashboardId} = ${dashboardId} and ${d.id} = page.ids[walk.n + 1])
        from walk cross join page
        where walk.n < cardinality(page.ids) and walk.total < ${maxBytes}
    ), kept(n) as (
      select greatest(max(n), least(1, (select cardinality(ids) from page))) from walk where total <= ${maxBytes}
    )
    select k.id::text as id, cardinality(page.ids) as of
      from page cross join kept cross join lateral unnest(page.ids[1:kept.n]) k(id)`);
  return { ids: rows.map((r) => r.id), of: Number(rows[0]?.of ?? 0) };
}
