// What an ingest reads before it writes: the dashboard's head and settings, its subscriptions and the
// previous snapshot. Plain SQL: the query builder's per-query work was a visible share of an ingest.
import { sql } from "drizzle-orm";
import type { Baseline } from "../core/baseline.js";
import { INITIAL_LIFECYCLE_STATE, type Lifecycle, type LifecycleState } from "../core/lifecycle.js";
import type { Row, Rule } from "../core/types.js";
import { query, resultRows, type Db, type Tx } from "./database.js";
import { mapped } from "./in-order.js";
import type { RuleSubject } from "./judge-subscriptions.js";
import type { CachedSnapshot, SnapshotCache } from "./snapshot-cache.js";
import type { Fallback, IngestBasis, Subscription } from "./store.js";

/** The part of a subscription that judging and delivery need. */
export type JudgedSubscription = RuleSubject & Pick<Subscription, "subscriber_kind" | "subscriber_id" | "fallback" | "enabled">;

/** json and jsonb come back parsed from one driver and as text from another. */
const parsed = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;

interface BasisRow {
  id: string;
  id_field: string;
  rank_by: string | null;
  top_n: number;
  primary_metric_field: string | null;
  head_seq: string | number;
  latest_snapshot_id: string | null;
}

const BASIS_COLUMNS = sql`id, id_field, rank_by, top_n, primary_metric_field, head_seq, latest_snapshot_id`;

const toBasis = (r: BasisRow): IngestBasis => ({ ...r, head_seq: Number(r.head_seq) });

export async function readBasis(q: Db, dashboardId: string): Promise<IngestBasis | null> {
  const [row] = await query<BasisRow>(q, sql`select ${BASIS_COLUMNS} from dashboards where id = ${dashboardId}`);
  return row ? toBasis(row) : null;
}

/** The dashboard row, locked: appends on one dashboard are serialized by this lock. */
export async function lockBasis(q: Db, dashboardId: string): Promise<IngestBasis | null> {
  const [row] = await query<BasisRow>(q, sql`select ${BASIS_COLUMNS} from dashboards where id = ${dashboardId} for update`);
  return row ? toBasis(row) : null;
}

/**
 * Moves the head (and the latest snapshot) only if nothing moved since `basis` was read: no append (every
 * change of the log, subscriptions included, moves the head) and no change of the settings a diff depends
 * on. It is the first write of the commit, so it takes the dashboard row's lock before the others run; under
 * READ COMMITTED a row another writer changed meanwhile is judged in its new version, so a writer that waited
 * for the lock sees the move. No row back: the caller rolls back and re-judges under the lock.
 */
export function moveHeadIfUnmoved(tx: Tx, basis: IngestBasis, head: number, latest: { id: string; takenAt: Date }): PromiseLike<boolean> {
  const update = tx.execute(
      sql`update dashboards set head_seq = ${head}::bigint, latest_snapshot_id = ${latest.id}::uuid, latest_taken_at = ${latest.takenAt.toISOString()}::timestamptz
          where id = ${basis.id} and head_seq = ${basis.head_seq} and id_field = ${basis.id_field} and top_n = ${basis.top_n}
            and rank_by is not distinct from ${basis.rank_by}::text and primary_metric_field is not distinct from ${basis.primary_metric_field}::text
          returning id`,
  );
  return mapped(update, (result) => resultRows(result).length > 0);
}

interface SubscriptionRow {
  id: string;
  subscriber_kind: Subscription["subscriber_kind"];
  subscriber_id: string;
  /** As text: jsonb writes equal rules as equal texts, which is how equal rules become one object below. */
  threshold_json: string;
  fallback: unknown;
  /** As text: a jsonb string ("last_notified") comes back parsed from one driver, and a parsed string looks like text. */
  baseline: string | null;
  lifecycle: unknown;
  lifecycle_state: unknown;
  enabled: boolean;
  last_notified_snapshot_id: string | null;
}

export async function readSubscriptions(q: Db, dashboardId: string): Promise<JudgedSubscription[]> {
  const rows = await query<SubscriptionRow>(
    q,
    sql`select id, subscriber_kind, subscriber_id, threshold_json::text as threshold_json, fallback, baseline::text as baseline, lifecycle, lifecycle_state, enabled, last_notified_snapshot_id
        from subscriptions where dashboard_id = ${dashboardId} order by created_at, id`,
  );
  // One object per distinct rule: judging evaluates a rule object once per baseline (core/judge.ts).
  const rules = new Map<string, Rule>();
  const ruleOf = (text: string): Rule => {
    let rule = rules.get(text);
    if (rule === undefined) rules.set(text, (rule = JSON.parse(text) as Rule));
    return rule;
  };
  return rows.map((r) => ({
    id: r.id,
    subscriber_kind: r.subscriber_kind,
    subscriber_id: r.subscriber_id,
    fallback: parsed<Fallback | null>(r.fallback) ?? null,
    enabled: r.enabled,
    rule: ruleOf(r.threshold_json),
    baseline: r.baseline === null ? "previous" : (JSON.parse(r.baseline) as Baseline),
    lifecycle: parsed<Lifecycle | null>(r.lifecycle) ?? null,
    state: parsed<LifecycleState | null>(r.lifecycle_state) ?? INITIAL_LIFECYCLE_STATE,
    lastNotifiedId: r.last_notified_snapshot_id,
  }));
}

/** The previous snapshot: retention keeps every dashboard's latest rows, so a missing or pruned latest is a bug. */
export async function readSnapshot(q: Db, cache: SnapshotCache, dashboardId: string, id: string): Promise<CachedSnapshot> {
  const found = await readSnapshotRows(q, cache, dashboardId, id, "latest");
  if (!found) throw new Error(`snapshot ${id} is the dashboard's latest but is missing`);
  return found;
}

/**
 * A snapshot from the cache, or its stored text parsed once (and then cached, as the dashboard's latest or
 * as a baseline: see SnapshotCache); null when missing or pruned.
 */
export async function readSnapshotRows(q: Db, cache: SnapshotCache, dashboardId: string, id: string, as: "latest" | "baseline"): Promise<CachedSnapshot | null> {
  const cached = cache.get(id);
  if (cached) {
    if (as === "baseline") cache.keep(id, cached);
    return cached;
  }
  const [row] = await query<{ rows: string; primary_metric: number | null; taken_at_ms: number | string }>(
    q,
    sql`select rows::text as rows, primary_metric, (extract(epoch from taken_at) * 1000)::float8 as taken_at_ms from snapshots where dashboard_id = ${dashboardId} and id = ${id}`,
  );
  if (!row?.rows) return null;
  const entry: CachedSnapshot = {
    data: { rows: JSON.parse(row.rows) as Row[], primaryMetric: row.primary_metric === null ? null : Number(row.primary_metric) },
    takenAt: new Date(Number(row.taken_at_ms)),
    bytes: row.rows.length,
  };
  if (as === "latest") cache.setLatest(dashboardId, id, entry);
  else cache.keep(id, entry);
  return entry;
}
