// The ingest: snapshot, diff, rules, events and delivery work commit together or not at all.
//
// Judging happens before the dashboard's row lock, against the head as read without it (by the route, or
// here). The writes then go out in one round trip, the first of them moving the head only if it has not
// moved (which takes the row lock). Only when another writer moved it meanwhile is that batch rolled back
// and the snapshot judged again, under the lock.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { LifecycleState } from "../core/lifecycle.js";
import type { RankSettings, SnapshotData } from "../core/types.js";
import { diffText } from "../event-text.js";
import { createBaselineSource } from "./baseline-source.js";
import { failure } from "./result.js";
import { arrayLiteral, type Db, type Tx } from "./database.js";
import { planAppend, writeEvents, type EventDraft, type PlannedAppend } from "./event-log.js";
import { completeKey } from "./idempotency.js";
import { settleInOrder, writeInOrder, type PendingWrite } from "./in-order.js";
import { cancelResolvedFallbacks, enqueueDeliveries, hasDueDeliveries, outboxRows } from "./ingest-deliveries.js";
import { alertDrafts, stateChanges, type Emitted } from "./ingest-drafts.js";
import { lockBasis, moveHeadIfUnmoved, readBasis, readSnapshot, readSubscriptions } from "./ingest-reads.js";
import { judgeSubjects } from "./judge-subscriptions.js";
import type { JudgedSubscription } from "./ingest-reads.js";
import type { SnapshotCache } from "./snapshot-cache.js";
import type { SubscriptionCache } from "./subscription-cache.js";
import type { AlertRef, IngestBasis, IngestInput, IngestOutcome, IngestResult } from "./store.js";

type Refusal = Extract<IngestResult, { ok: false }>;

/** A snapshot judged against one head: everything the writes need. */
interface Judged {
  basis: IngestBasis;
  snapshotId: string;
  takenAt: Date;
  /** The subscriptions as judged (before this commit's writes). */
  subjects: readonly JudgedSubscription[];
  emitted: Emitted[];
  states: { id: string; state: LifecycleState }[];
  outbox: ReturnType<typeof outboxRows>;
  plan: PlannedAppend;
  response: Omit<IngestOutcome, "entries" | "deliveriesDue">;
}

export async function ingestSnapshot(db: Db, cache: SnapshotCache, input: IngestInput, now: Date, known?: SubscriptionCache): Promise<IngestResult> {
  const next: SnapshotData = { rows: input.rows, primaryMetric: input.primaryMetric };
  // What PostgreSQL stores the rows from: the body as sent (its `rows` member), else the rows serialized.
  const rowsJson = input.bodyJson ?? JSON.stringify(input.rows);
  const snapshotId = randomUUID();

  const basis = input.basis ?? (await readBasis(db, input.dashboardId));
  if (!basis) return failure("not-found");
  const optimistic = await judgeAgainst(db, cache, basis, input, next, snapshotId, now, known?.get(basis.id, basis.head_seq));
  // A later head only has a later taken_at: refused against this one, refused against any.
  if ("ok" in optimistic) return optimistic;

  // The common case: one batch whose first write moves the head only if it has not moved (and so takes the
  // row lock). If it had, whatever else the batch wrote is rolled back, and the snapshot is judged again
  // holding the lock.
  const committed = await db
    .transaction(async (tx) => {
      const settled = await settleInOrder([
        moveHeadIfUnmoved(tx, basis, optimistic.plan.head, { id: snapshotId, takenAt: optimistic.takenAt }),
        ...writes(tx, optimistic, input, rowsJson, now),
      ]);
      // A moved head explains whatever else failed after it (its seqs were taken).
      if (settled[0]!.status === "fulfilled" && settled[0]!.value === false) throw HEAD_MOVED;
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
      return optimistic;
    })
    .catch((error: unknown) => {
      if (error === HEAD_MOVED) return null;
      throw error;
    });
  const outcome =
    committed ??
    (await db.transaction(async (tx): Promise<Judged | Refusal> => {
      const locked = await lockBasis(tx, input.dashboardId);
      if (!locked) return failure("not-found");
      const judged = await judgeAgainst(tx, cache, locked, input, next, snapshotId, now);
      if ("ok" in judged) return judged;
      // Holding the lock, on the basis read under it: this move cannot miss.
      const [moved] = await writeInOrder([moveHeadIfUnmoved(tx, locked, judged.plan.head, { id: snapshotId, takenAt: judged.takenAt }), ...writes(tx, judged, input, rowsJson, now)]);
      if (moved !== true) throw new Error(`dashboard ${locked.id}: head moved under its row lock`);
      return judged;
    }));
  if ("ok" in outcome) return outcome;
  cache.setLatest(outcome.basis.id, snapshotId, { data: next, takenAt: outcome.takenAt, bytes: rowsJson.length });
  known?.set(outcome.basis.id, outcome.plan.head, subscriptionsAfter(outcome));
  return { ok: true, value: { ...outcome.response, entries: outcome.plan.entries, deliveriesDue: hasDueDeliveries(outcome.outbox) } };
}

async function judgeAgainst(
  q: Db,
  cache: SnapshotCache,
  basis: IngestBasis,
  input: IngestInput,
  next: SnapshotData,
  snapshotId: string,
  now: Date,
  known?: readonly JudgedSubscription[],
): Promise<Judged | Refusal> {
  const previousId = basis.latest_snapshot_id;
  const [subs, previous] = await Promise.all([
    known ?? readSubscriptions(q, basis.id),
    previousId ? readSnapshot(q, cache, basis.id, previousId) : null,
  ]);
  const previousTakenAt = previous?.takenAt ?? null;
  if (input.takenAt && previousTakenAt && input.takenAt < previousTakenAt) {
    return { ok: false, error: "taken-at-before-previous", previous: previousTakenAt.toISOString() };
  }
  // Another node's clock may run ahead of ours: receipt time never goes backwards within a dashboard.
  const takenAt = input.takenAt ?? (previousTakenAt && previousTakenAt > now ? previousTakenAt : now);
  const judged = await judgeSubjects(
    { id: snapshotId, data: next, takenAt },
    previousId && previous ? { id: previousId, data: previous.data } : null,
    rankSettings(basis),
    subs,
    createBaselineSource(q, cache, basis.id),
  );
  const diff = judged.diff;
  const alerts = alertDrafts(judged.decisions, snapshotId, previousId, diff);
  const drafts: EventDraft[] = [{ kind: "snapshot.created", data: { snapshot_id: snapshotId, diff }, diffOf: snapshotId }, ...alerts.drafts];
  const plan = planAppend(basis.id, basis.head_seq, drafts, input.actor, now);
  const entries = plan.entries;
  const refs: AlertRef[] = alerts.emitted.map((d, i) => ({
    subscription_id: d.subject.id,
    seq: entries[i + 1]!.event.seq,
    kind: d.emit.kind === "matched" ? "alert.matched" : "alert.resolved",
  }));
  const states = stateChanges(judged.decisions, new Map(refs.map((r) => [r.subscription_id, r.seq])));
  const response = { snapshot_id: snapshotId, seq_range: { from: entries[0]!.event.seq, to: entries[entries.length - 1]!.event.seq }, diff, alerts: refs };
  const outbox = outboxRows(alerts.emitted, refs.map((a) => a.seq), basis.id, now);
  return { basis, snapshotId, takenAt, subjects: subs, emitted: alerts.emitted, states, outbox, plan, response };
}

export const rankSettings = (basis: Pick<IngestBasis, "id_field" | "rank_by" | "top_n" | "primary_metric_field">): RankSettings => ({
  idField: basis.id_field,
  rankBy: basis.rank_by,
  topN: basis.top_n,
  primaryMetricField: basis.primary_metric_field,
});

/** The subscriptions as the commit left them: what `writes` changed (last notified, lifecycle states), applied. */
function subscriptionsAfter(j: Judged): JudgedSubscription[] {
  const notified = new Set(notifiedIds(j));
  const states = new Map(j.states.map((s) => [s.id, s.state]));
  return j.subjects.map((s) =>
    notified.has(s.id) || states.has(s.id) ? { ...s, lastNotifiedId: notified.has(s.id) ? j.snapshotId : s.lastNotifiedId, state: states.get(s.id) ?? s.state } : s,
  );
}

/** Whose last notified snapshot the commit moves: only an appended alert.matched moves it, a suppressed or resolved one leaves it. */
const notifiedIds = (j: Judged): string[] => j.response.alerts.filter((a) => a.kind === "alert.matched").map((a) => a.subscription_id);

/** Thrown inside the optimistic transaction to roll it back: another writer moved the head. */
const HEAD_MOVED = Symbol("head moved");

/** The commit's writes other than the head's move, for `writeInOrder`: the snapshot, then its events. */
function writes(tx: Tx, j: Judged, input: IngestInput, rowsJson: string, now: Date): PendingWrite[] {
  const { snapshotId, response } = j;
  const notified = notifiedIds(j);
  return [
    tx.execute(
      sql`insert into snapshots (id, dashboard_id, seq, taken_at, received_at, primary_metric, row_count, rows, diff)
          values (${snapshotId}, ${j.basis.id}, ${response.seq_range.from}::bigint, ${j.takenAt.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz,
                  ${input.primaryMetric}::float8, ${input.rows.length}::int, ${input.bodyJson === undefined ? sql`${rowsJson}::json` : sql`(${rowsJson}::json -> 'rows')`}, ${response.diff === null ? null : diffText(response.diff)}::json)`,
    ),
    writeEvents(tx, j.plan),
    notified.length > 0
      ? tx.execute(
          sql`update subscriptions set last_notified_snapshot_id = ${snapshotId}
              where dashboard_id = ${j.basis.id} and id = any(${arrayLiteral(notified)}::uuid[])`,
        )
      : null,
    j.states.length > 0
      ? tx.execute(
          sql`update subscriptions s set lifecycle_state = x.state
              from jsonb_to_recordset(${JSON.stringify(j.states)}::jsonb) as x(id uuid, state jsonb)
              where s.dashboard_id = ${j.basis.id} and s.id = x.id`,
        )
      : null,
    enqueueDeliveries(tx, j.outbox),
    cancelResolvedFallbacks(tx, j.emitted, j.basis.id),
    input.idempotencyKey !== undefined ? completeKey(tx, j.basis.id, input.idempotencyKey, 201, response) : null,
  ];
}
