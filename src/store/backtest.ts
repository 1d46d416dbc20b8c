// A rule replayed over stored history: each snapshot in [from, to) judged in commit order (taken_at, ties
// by the seq of its snapshot.created) by the very function
// live ingest runs (judgeSubjects), for a subscription that existed before the first of them. History is
// read in pages of BACKTEST_PAGE rows (the next one read while this one is judged, so two at most), and
// baselines through a cache of its own, bounded in bytes (the store's cache keeps what the next ingest
// needs and is not flooded with old snapshots).
import { sql, type SQL } from "drizzle-orm";
import { INITIAL_LIFECYCLE_STATE } from "../core/lifecycle.js";
import type { Row } from "../core/types.js";
import { createBaselineSource } from "./baseline-source.js";
import { query, type Db } from "./database.js";
import { resolvedTrace } from "./ingest-drafts.js";
import { rankSettings } from "./ingest.js";
import { readBasis } from "./ingest-reads.js";
import { judgeSubjects, type RuleSubject } from "./judge-subscriptions.js";
import { ok, type Result } from "./result.js";
import { createSnapshotCache } from "./snapshot-cache.js";
import type { BacktestInput, BacktestResult, BacktestTooMany, Firing } from "./store.js";

export const BACKTEST_PAGE = 200;
export const BACKTEST_CACHE_BYTES = 32 * 1024 * 1024;

interface HistoryRow {
  id: string;
  seq: string | number;
  taken_at_ms: number | string;
  /** Exact (microseconds) as text, for the page key: a ms number would lose what orders ties. */
  taken_at: string;
  received_at: string;
  rows: string | null;
  primary_metric: number | null;
}

const COLUMNS = sql`id, coalesce(seq, 0) as seq, (extract(epoch from taken_at) * 1000)::float8 as taken_at_ms, taken_at::text as taken_at, received_at::text as received_at,
  rows::text as rows, primary_metric`;

export async function backtest(db: Db, dashboardId: string, input: BacktestInput): Promise<Result<BacktestResult, BacktestTooMany> | null> {
  const basis = await readBasis(db, dashboardId);
  if (!basis) return null;
  const range: SQL[] = [sql`dashboard_id = ${dashboardId}`];
  if (input.from) range.push(sql`taken_at >= ${input.from.toISOString()}::timestamptz`);
  if (input.to) range.push(sql`taken_at < ${input.to.toISOString()}::timestamptz`);
  const inRange = sql.join(range, sql` and `);
  // Counted only up to one past the bound: a long history is refused without being counted.
  const [counted] = await query<{ n: string | number }>(
    db,
    sql`select count(*) as n from (select 1 from snapshots where ${inRange} limit ${input.maxSnapshots + 1}) c`,
  );
  if (Number(counted!.n) > input.maxSnapshots) return { ok: false, error: "too-many", count: Number(counted!.n) };

  const cache = createSnapshotCache(BACKTEST_CACHE_BYTES);
  const source = createBaselineSource(db, cache, dashboardId);
  const settings = rankSettings(basis);
  const subject: RuleSubject = { id: "backtest", rule: input.rule, baseline: input.baseline, lifecycle: input.lifecycle, state: INITIAL_LIFECYCLE_STATE, lastNotifiedId: null };
  const firings: Firing[] = [];
  let evaluated = 0;

  // The snapshot before the range is the first one's previous, as it was when that one was ingested.
  const [before] = input.from
    ? await query<HistoryRow>(db, sql`select ${COLUMNS} from snapshots where dashboard_id = ${dashboardId} and taken_at < ${input.from.toISOString()}::timestamptz order by taken_at desc, coalesce(seq, 0) desc, received_at desc, id desc limit 1`)
    : [];
  let previous = before ? remember(cache, before) : null;
  const readPage = (after: SQL) =>
    query<HistoryRow>(db, sql`select ${COLUMNS} from snapshots where ${inRange} and ${after} order by taken_at, coalesce(seq, 0), received_at, id limit ${BACKTEST_PAGE}`);
  // The next page is read while this one is judged: at most two pages are held.
  let pending = readPage(sql`true`);
  for (;;) {
    const page = await pending;
    const last = page[page.length - 1];
    if (last && page.length === BACKTEST_PAGE) {
      pending = readPage(sql`(taken_at, coalesce(seq, 0), received_at, id) > (${last.taken_at}::timestamptz, ${Number(last.seq)}::bigint, ${last.received_at}::timestamptz, ${last.id}::uuid)`);
    }
    for (const row of page) {
      evaluated++;
      const next = remember(cache, row);
      // Rows pruned by retention: nothing to judge, and no baseline for the snapshot after it.
      if (next === null) {
        previous = null;
        continue;
      }
      const takenAt = new Date(Number(row.taken_at_ms));
      const { decisions } = await judgeSubjects({ id: row.id, data: next.data, takenAt }, previous, settings, [subject], source);
      const d = decisions[0]!;
      subject.state = d.state;
      if (d.emit) {
        const matched = d.emit.kind === "matched";
        if (matched) subject.lastNotifiedId = row.id;
        firings.push({
          kind: d.emit.kind,
          snapshot_id: row.id,
          taken_at: takenAt.toISOString(),
          baseline_snapshot_id: d.verdict.baselineId,
          trace: matched ? d.verdict.trace : resolvedTrace(d.verdict.trace, subject),
        });
      }
      previous = next;
    }
    if (page.length < BACKTEST_PAGE) break;
  }
  return ok({ evaluated, firings });
}

/** Parsed once and kept for the snapshots after it that may take it as a baseline; null when pruned. */
function remember(cache: ReturnType<typeof createSnapshotCache>, row: HistoryRow) {
  if (row.rows === null) return null;
  const data = { rows: JSON.parse(row.rows) as Row[], primaryMetric: row.primary_metric === null ? null : Number(row.primary_metric) };
  cache.keep(row.id, { data, takenAt: new Date(Number(row.taken_at_ms)), bytes: row.rows.length });
  return { id: row.id, data };
}
