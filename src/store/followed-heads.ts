// The reconciler's one query: the heads of the dashboards a node's sessions follow, and each followed
// persona's latest alert on every dashboard it has a persona subscription on.
import { sql } from "drizzle-orm";
import { query, type Db } from "./database.js";

export interface FollowedHeads {
  /** dashboard id → head_seq; unknown dashboards are absent. */
  dashboards: Map<string, number>;
  /** persona → its latest alert (seq and time) per dashboard; dashboards without one are absent. */
  personas: Map<string, Map<string, { seq: number; at: Date }>>;
}

interface HeadRow {
  kind: "d" | "p";
  dashboard_id: string;
  persona: string | null;
  seq: string | number;
  at: string | Date | null;
}

export async function followedHeads(db: Db, dashboardIds: readonly string[], personas: readonly string[]): Promise<FollowedHeads> {
  const result: FollowedHeads = { dashboards: new Map(), personas: new Map() };
  if (dashboardIds.length === 0 && personas.length === 0) return result;
  // Lists travel as one JSON parameter each: 10 000 ids would otherwise be 10 000 bind parameters.
  const rows = await query<HeadRow>(db, sql`
    select 'd' as kind, d.id as dashboard_id, null::text as persona, d.head_seq as seq, null::timestamptz as at
      from jsonb_array_elements_text(${JSON.stringify(dashboardIds)}::jsonb) f(id)
      join dashboards d on d.id = f.id
    union all
    select 'p', s.dashboard_id, s.persona, e.seq, e.at
      from (select distinct s.dashboard_id, s.subscriber_id as persona
              from jsonb_array_elements_text(${JSON.stringify(personas)}::jsonb) f(persona)
              join subscriptions s on s.subscriber_kind = 'persona' and s.subscriber_id = f.persona) s
      cross join lateral (select seq, at from events
                           where events.dashboard_id = s.dashboard_id and events.persona = s.persona
                           order by seq desc limit 1) e`);
  for (const r of rows) {
    if (r.kind === "d") result.dashboards.set(r.dashboard_id, Number(r.seq));
    else {
      let byDashboard = result.personas.get(r.persona!);
      if (!byDashboard) result.personas.set(r.persona!, (byDashboard = new Map()));
      byDashboard.set(r.dashboard_id, { seq: Number(r.seq), at: new Date(r.at!) });
    }
  }
  return result;
}
