// Appending to and reading a dashboard's log. Appends run inside a transaction that holds the dashboard row.
import { and, asc, eq, gt, gte, inArray, isNotNull, lt, lte, sql, type SQL } from "drizzle-orm";
import type { EventKind, LogEntry } from "../protocol/event.js";
import { canonicalJson, dataMembers, diffText } from "../event-text.js";
import { query, resultRows, type Db, type Tx } from "./database.js";
import { mapped, writeInOrder, type PendingWrite } from "./in-order.js";
import { toLogEntries } from "./mappers.js";
import { dashboards, events, snapshots } from "./schema.js";
import type { EventPage, EventQuery } from "./store.js";

export interface EventDraft {
  kind: EventKind;
  /** The data as published; with `diffOf`, its `diff` is the snapshot's and is not stored again here. */
  data: Record<string, unknown>;
  persona?: string | null;
  diffOf?: string;
  /** Its `diff` is its own (from another baseline than the snapshot before): stored as written, beside the data. */
  ownDiff?: boolean;
}

/** An event row as `writeEvents` sends it; the columns every row shares travel once, beside them. */
interface PlannedRow {
  seq: number;
  kind: EventKind;
  /** The stored data's JSON text (without the diff when that is stored apart), as the hub also writes it. */
  dataText: string;
  snapshot_id: string | null;
  persona: string | null;
  /** The own diff's JSON text: jsonb would reorder its keys, and a replayed frame must match the live one. */
  diff: string | null;
}

/** The rows as one JSON array, each data text spliced in as made (the hub's frames reuse the same texts). */
function rowsJson(rows: PlannedRow[]): string {
  // A commit's rows share a few kinds, one snapshot id and their personas: each is quoted once.
  const quoted = new Map<string, string>();
  const quote = (text: string | null): string => {
    if (text === null) return "null";
    let q = quoted.get(text);
    if (q === undefined) quoted.set(text, (q = JSON.stringify(text)));
    return q;
  };
  const parts: string[] = [];
  for (const r of rows) {
    parts.push(
      `{"seq":${r.seq},"kind":${quote(r.kind)},"data":${r.dataText},"snapshot_id":${quote(r.snapshot_id)},"persona":${quote(r.persona)},` +
        `"diff":${r.diff === null ? "null" : JSON.stringify(r.diff)}}`,
    );
  }
  return `[${parts.join(",")}]`;
}

/**
 * Events numbered and ready to write. A persona event's `prev_seq` is found by the insert itself, under
 * the dashboard's lock, and set on its entry when the insert answers (before the commit is handed on).
 */
export interface PlannedAppend {
  dashboardId: string;
  at: Date;
  actor: string;
  rows: PlannedRow[];
  entries: LogEntry[];
  head: number;
}

/**
 * Appends drafts after `headSeq` and moves the dashboard's head. The caller must hold the dashboard row
 * lock (`select ... for update`), which is what keeps seq contiguous across connections and nodes.
 */
export async function appendEvents(tx: Tx, dashboardId: string, headSeq: number, drafts: EventDraft[], actor: string, at: Date): Promise<LogEntry[]> {
  const plan = planAppend(dashboardId, headSeq, drafts, actor, at);
  await writeInOrder(writeAppend(tx, plan));
  return plan.entries;
}

/** The insert and the head move, not yet started. */
function writeAppend(tx: Tx, plan: PlannedAppend): PendingWrite[] {
  if (plan.rows.length === 0) return [];
  return [writeEvents(tx, plan), tx.update(dashboards).set({ headSeq: plan.head }).where(eq(dashboards.id, plan.dashboardId))];
}

/** The insert alone, not yet started, for a caller that moves the head itself (ingest's guarded move). */
export function writeEvents(tx: Tx, plan: PlannedAppend): PendingWrite {
  // One JSON parameter for all rows: an alert-heavy snapshot appends a hundred events, and the query
  // builder's per-value work on ten columns each cost more than PostgreSQL's reading of the JSON.
  const rows = rowsJson(plan.rows);
  // prev_seq: the persona's event before, in this batch (lag) or else in the log (one backward probe of
  // events_dashboard_persona_seq per persona: coalesce evaluates it only when lag has none). The select
  // sees the log as it was when the statement began, so not the rows it inserts.
  const insert = tx.execute(
    sql`insert into events (dashboard_id, seq, kind, at, actor, data, snapshot_id, persona, prev_seq, diff)
        select ${plan.dashboardId}::text, x.seq, x.kind, ${plan.at.toISOString()}::timestamptz, ${plan.actor}::text, x.data, x.snapshot_id, x.persona,
               case when x.persona is null then null else coalesce(
                 lag(x.seq) over (partition by x.persona order by x.seq),
                 (select e.seq from events e where e.dashboard_id = ${plan.dashboardId}::text and e.persona = x.persona order by e.seq desc limit 1),
                 0) end,
               x.diff::json
        from jsonb_to_recordset(${rows}::jsonb) as x(seq bigint, kind text, data jsonb, snapshot_id uuid, persona text, diff text)
        returning seq, prev_seq`,
  );
  const first = plan.rows[0]!.seq;
  // The entries learn their prev_seq from the insert's answer, before the commit is handed on.
  return mapped(insert, (result) => {
    for (const r of resultRows<{ seq: string | number; prev_seq: string | number | null }>(result)) {
      if (r.prev_seq !== null) plan.entries[Number(r.seq) - first]!.prev_seq = Number(r.prev_seq);
    }
  });
}

/** Numbers the drafts after `headSeq`. Reads nothing: a persona event's prev_seq comes from the insert. */
export function planAppend(dashboardId: string, headSeq: number, drafts: EventDraft[], actor: string, at: Date): PlannedAppend {
  const atText = at.toISOString();
  const rows: PlannedRow[] = [];
  const entries: LogEntry[] = [];
  // One pass, one row and one entry per draft: an alert-heavy commit has a thousand of them.
  drafts.forEach((d, i) => {
    const persona = d.persona ?? null;
    const seq = headSeq + i + 1;
    const snapshotId = d.diffOf ?? null;
    const own = d.ownDiff === true;
    rows.push({
      seq,
      kind: d.kind,
      // The diff stays in the data only when it is neither the snapshot's nor stored beside it.
      dataText: snapshotId || own || d.data.diff === undefined ? `{${dataMembers(d.data)}}` : canonicalJson(d.data),
      snapshot_id: snapshotId,
      persona,
      diff: own ? diffText(d.data.diff ?? null) : null,
    });
    entries.push({ event: { dashboard_id: dashboardId, seq, kind: d.kind, at: atText, actor, data: d.data }, persona, prev_seq: null });
  });
  return { dashboardId, at, actor, rows, entries, head: headSeq + drafts.length };
}

export async function readEvents(db: Db, dashboardId: string, q: EventQuery): Promise<EventPage> {
  const conditions = [eq(events.dashboardId, dashboardId), gt(events.seq, q.afterSeq)];
  if (q.kinds && q.kinds.length > 0) conditions.push(inArray(events.kind, q.kinds));
  if (q.from) conditions.push(gte(events.at, q.from));
  if (q.to) conditions.push(lt(events.at, q.to));
  if (q.persona !== undefined) conditions.push(eq(events.persona, q.persona), isNotNull(events.persona));
  if (q.maxBytes !== undefined) {
    const last = await lastSeqWithin(db, conditions, q.limit, q.maxBytes);
    if (last !== null) conditions.push(lte(events.seq, last));
  }
  const [rows, head] = await Promise.all([
    db
      .select({ event: events, diff: snapshots.diff })
      .from(events)
      // dashboard_id in the join too: snapshots is partitioned by it, so the join reads one partition.
      .leftJoin(snapshots, and(eq(snapshots.dashboardId, dashboardId), eq(snapshots.id, events.snapshotId)))
      .where(and(...conditions))
      .orderBy(asc(events.seq))
      .limit(q.limit),
    db.select({ headSeq: dashboards.headSeq }).from(dashboards).where(eq(dashboards.id, dashboardId)),
  ]);
  return { entries: toLogEntries(rows), head_seq: head[0]?.headSeq ?? 0 };
}

/** What an event's JSON holds beside its strings and data: keys, quotes, seq, prev_seq, the timestamp. */
const EVENT_ENVELOPE_BYTES = 160;

/**
 * The last seq of the page whose events' JSON (diff included) fits in maxBytes, measured in the database
 * so that a page of large events is never loaded to find out; the first event always counts. It walks the
 * page one event at a time and stops one past the bound, so it measures what the page holds, not `limit`.
 */
async function lastSeqWithin(db: Db, conditions: SQL[], limit: number, maxBytes: number): Promise<number | null> {
  const where = and(...conditions);
  // jsonb's text has a space after every ':' and ',' that JSON.stringify leaves out, so it is an upper bound
  // of the data's JSON; the envelope (seq, kind, at, ids) is counted by its strings plus EVENT_ENVELOPE_BYTES.
  // dashboard_id in the diff lookup: snapshots is partitioned by it (without it every partition is probed,
  // which made the walk of a 1000-event page about twice as slow); events without a snapshot skip it.
  const size = sql`octet_length(${events.data}::text) + octet_length(${events.dashboardId}) + octet_length(${events.kind}) + octet_length(${events.actor})
    + coalesce(octet_length(${events.persona}), 0) + coalesce(octet_length(${events.diff}::text), 0) + ${EVENT_ENVELOPE_BYTES}
    + case when ${events.snapshotId} is null then 0 else coalesce((select octet_length(${snapshots.diff}::text) from ${snapshots}
        where ${snapshots.dashboardId} = ${events.dashboardId} and ${snapshots.id} = ${events.snapshotId}), 0) end`;
  const rows = await query<{ last: string | null }>(db, sql`
    with recursive walk(seq, total, n) as (
      (select ${events.seq}, ${size}, 1 from ${events} where ${where} order by ${events.seq} limit 1)
      union all
      (select next.seq, walk.total + next.bytes, walk.n + 1
         from walk cross join lateral (
           select ${events.seq} as seq, ${size} as bytes from ${events}
           where ${where} and ${events.seq} > walk.seq order by ${events.seq} limit 1) next
         where walk.total < ${maxBytes} and walk.n < ${limit})
    )
    select max(seq)::text as last from walk where total <= ${maxBytes} or n = 1`);
  const last = rows[0]?.last;
  return last == null ? null : Number(last);
}
