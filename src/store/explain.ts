// Why one stored snapshot did or did not alert a subscription: the snapshot judged again by the function
// ingest runs, against the baseline the subscription had then. The lifecycle is left out: explain answers
// whether the rule held, not whether a count or cooldown let the alert through.
import { sql } from "drizzle-orm";
import { INITIAL_LIFECYCLE_STATE } from "../core/lifecycle.js";
import { createBaselineSource } from "./baseline-source.js";
import { query, type Db } from "./database.js";
import { rankSettings } from "./ingest.js";
import { readBasis, readSnapshotRows, readSubscriptions } from "./ingest-reads.js";
import { judgeSubjects } from "./judge-subscriptions.js";
import { failure, ok, type Failure, type NotFound, type Result } from "./result.js";
import type { SnapshotCache } from "./snapshot-cache.js";
import type { Explanation } from "./store.js";

/** "gone": the snapshot exists but retention has pruned its rows. */
export type ExplainResult = Result<Explanation, NotFound | Failure<"gone">>;

export async function explain(db: Db, cache: SnapshotCache, dashboardId: string, subscriptionId: string, snapshotId: string): Promise<ExplainResult> {
  const [basis, subs, found] = await Promise.all([
    readBasis(db, dashboardId),
    readSubscriptions(db, dashboardId),
    query<{ taken_at: string; seq: string | number; received_at: string }>(
      db,
      sql`select taken_at::text, coalesce(seq, 0) as seq, received_at::text from snapshots where dashboard_id = ${dashboardId} and id = ${snapshotId}::uuid`,
    ),
  ]);
  const subscription = subs.find((s) => s.id === subscriptionId);
  const at = found[0];
  if (!basis || !subscription || !at) return failure("not-found");
  const next = await readSnapshotRows(db, cache, dashboardId, snapshotId, "baseline");
  if (!next) return failure("gone");

  const [before] = await query<{ id: string }>(
    db,
    sql`select id from snapshots where dashboard_id = ${dashboardId} and (taken_at, coalesce(seq, 0), received_at, id) < (${at.taken_at}::timestamptz, ${Number(at.seq)}::bigint, ${at.received_at}::timestamptz, ${snapshotId}::uuid)
        order by taken_at desc, coalesce(seq, 0) desc, received_at desc, id desc limit 1`,
  );
  const previous = before ? await readSnapshotRows(db, cache, dashboardId, before.id, "baseline") : null;
  const lastNotifiedId = subscription.baseline === "last_notified" ? await lastNotifiedBefore(db, dashboardId, subscriptionId, snapshotId) : null;
  const { decisions } = await judgeSubjects(
    { id: snapshotId, data: next.data, takenAt: next.takenAt },
    before && previous ? { id: before.id, data: previous.data } : null,
    rankSettings(basis),
    [{ ...subscription, lifecycle: null, state: INITIAL_LIFECYCLE_STATE, lastNotifiedId }],
    createBaselineSource(db, cache, dashboardId),
  );
  const verdict = decisions[0]!.verdict;
  return ok({ snapshot_id: snapshotId, baseline_snapshot_id: verdict.baselineId, matched: verdict.outcome === "hold", trace: verdict.trace });
}

/** The snapshot of the subscription's last alert.matched appended before this snapshot's snapshot.created. */
async function lastNotifiedBefore(db: Db, dashboardId: string, subscriptionId: string, snapshotId: string): Promise<string | null> {
  const [row] = await query<{ snapshot_id: string }>(
    db,
    sql`select data->>'snapshot_id' as snapshot_id from events
        where dashboard_id = ${dashboardId} and kind = 'alert.matched' and data->>'subscription_id' = ${subscriptionId}
          and seq < (select seq from events where dashboard_id = ${dashboardId} and kind = 'snapshot.created' and data->>'snapshot_id' = ${snapshotId})
        order by seq desc limit 1`,
  );
  return row?.snapshot_id ?? null;
}
