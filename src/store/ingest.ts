// The ingest: snapshot, diff, rules, events and delivery work commit together or not at all.
//
// Judging happens before the dashboard's row lock, against the head as read without it (by the route, or
// here): the lock is then taken only if that head has not moved, and the writes go out in one round trip.
// Only when another writer moved the head meanwhile is the snapshot judged again, under the lock.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { judge } from "../core/judge.js";
import { redactSubscriber } from "../core/redact.js";
import type { RankSettings, SnapshotData } from "../core/types.js";
import type { Db, Tx } from "./database.js";
import { planAppend, writeAppend, type EventDraft, type PlannedAppend } from "./event-log.js";
import { completeKey } from "./idempotency.js";
import { lockBasis, lockIfUnmoved, readBasis, readSnapshot, readSubscriptions, type JudgedSubscription } from "./ingest-reads.js";
import { deliveries } from "./schema.js";
import type { SnapshotCache } from "./snapshot-cache.js";
import type { IngestBasis, IngestInput, IngestOutcome, IngestResult } from "./store.js";

type Refusal = Extract<IngestResult, { ok: false }>;

/** A snapshot judged against one head: everything the writes need. */
interface Judged {
  basis: IngestBasis;
  snapshotId: string;
  takenAt: Date;
  matches: { subscription: JudgedSubscription; trace: unknown }[];
  plan: PlannedAppend;
  response: Omit<IngestOutcome, "entries">;
}

export async function ingestSnapshot(db: Db, cache: SnapshotCache, input: IngestInput, now: Date): Promise<IngestResult> {
  const next: SnapshotData = { rows: input.rows, primaryMetric: input.primaryMetric };
  // What PostgreSQL stores the rows from: the body as sent (its `rows` member), else the rows serialized.
  const rowsJson = input.bodyJson ?? JSON.stringify(input.rows);
  const snapshotId = randomUUID();

  const basis = input.basis ?? (await readBasis(db, input.dashboardId));
  if (!basis) return { ok: false, error: "not-found" };
  const optimistic = await judgeAgainst(db, cache, basis, input, next, snapshotId, now);
  // A later head only has a later taken_at: refused against this one, refused against any.
  if ("ok" in optimistic) return optimistic;

  const outcome = await db.transaction(async (tx): Promise<Judged | Refusal> => {
    let judged: Judged | Refusal = optimistic;
    if (!(await lockIfUnmoved(tx, basis))) {
      // Another writer moved the head: judged again, now holding the lock.
      const locked = await lockBasis(tx, input.dashboardId);
      if (!locked) return { ok: false, error: "not-found" };
      judged = await judgeAgainst(tx, cache, locked, input, next, snapshotId, now);
      if ("ok" in judged) return judged;
    }
    await Promise.all(writes(tx, judged, input, rowsJson, now));
    return judged;
  });
  if ("ok" in outcome) return outcome;
  cache.set(snapshotId, { data: next, takenAt: outcome.takenAt, bytes: rowsJson.length });
  // Only a dashboard's latest snapshot is diffed against: keeping the one it replaced filled the cache with
  // one dashboard's history (a 16 MiB bound held ~350 parsed 1 000-row snapshots, ~60 MB of heap).
  if (outcome.basis.latest_snapshot_id) cache.delete(outcome.basis.latest_snapshot_id);
  return { ok: true, value: { ...outcome.response, entries: outcome.plan.entries } };
}

async function judgeAgainst(
  q: Db,
  cache: SnapshotCache,
  basis: IngestBasis,
  input: IngestInput,
  next: SnapshotData,
  snapshotId: string,
  now: Date,
): Promise<Judged | Refusal> {
  const previousId = basis.latest_snapshot_id;
  const [subs, previous] = await Promise.all([
    readSubscriptions(q, basis.id),
    previousId ? readSnapshot(q, cache, basis.id, previousId) : null,
  ]);
  const previousTakenAt = previous?.takenAt ?? null;
  if (input.takenAt && previousTakenAt && input.takenAt < previousTakenAt) {
    return { ok: false, error: "taken-at-before-previous", previous: previousTakenAt.toISOString() };
  }
  // Another node's clock may run ahead of ours: receipt time never goes backwards within a dashboard.
  const takenAt = input.takenAt ?? (previousTakenAt && previousTakenAt > now ? previousTakenAt : now);
  const settings: RankSettings = {
    idField: basis.id_field,
    rankBy: basis.rank_by,
    topN: basis.top_n,
    primaryMetricField: basis.primary_metric_field,
  };
  const result = previous ? judge(previous.data, next, settings, subs) : null;
  const diff = result?.diff ?? null;
  const matches = result?.matches ?? [];

  const drafts: EventDraft[] = [{ kind: "snapshot.created", data: { snapshot_id: snapshotId, diff }, diffOf: snapshotId }];
  for (const { subscription: s, trace } of matches) {
    drafts.push({
      kind: "alert.matched",
      persona: s.subscriber_kind === "persona" ? s.subscriber_id : null,
      diffOf: snapshotId,
      data: {
        subscription_id: s.id,
        subscriber_kind: s.subscriber_kind,
        subscriber_id: redactSubscriber(s.subscriber_kind, s.subscriber_id),
        snapshot_id: snapshotId,
        previous_snapshot_id: previousId,
        diff,
        trace,
      },
    });
  }
  const plan = await planAppend(q, basis.id, basis.head_seq, drafts, input.actor, now);
  const entries = plan.entries;
  const alerts = matches.map((m, i) => ({ subscription_id: m.subscription.id, seq: entries[i + 1]!.event.seq }));
  const response = { snapshot_id: snapshotId, seq_range: { from: entries[0]!.event.seq, to: entries[entries.length - 1]!.event.seq }, diff, alerts };
  return { basis, snapshotId, takenAt, matches, plan, response };
}

/**
 * Writes that need nothing read back: started at once, they run in the order started, in one round trip.
 * The snapshot goes first, because the events reference it.
 */
function writes(tx: Tx, j: Judged, input: IngestInput, rowsJson: string, now: Date): (PromiseLike<unknown> | null)[] {
  const { snapshotId, response } = j;
  const alerted = response.alerts.map((a) => a.subscription_id);
  return [
    tx.execute(
      sql`insert into snapshots (id, dashboard_id, taken_at, received_at, primary_metric, row_count, rows, diff)
          values (${snapshotId}, ${j.basis.id}, ${j.takenAt.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz,
                  ${input.primaryMetric}::float8, ${input.rows.length}::int, ${input.bodyJson === undefined ? sql`${rowsJson}::json` : sql`(${rowsJson}::json -> 'rows')`}, ${response.diff === null ? null : JSON.stringify(response.diff)}::json)`,
    ),
    ...writeAppend(tx, j.plan, { latestSnapshotId: snapshotId, latestTakenAt: j.takenAt }),
    alerted.length > 0
      ? tx.execute(
          sql`update subscriptions set last_notified_snapshot_id = ${snapshotId}
              where dashboard_id = ${j.basis.id} and id = any(${`{${alerted.join(",")}}`}::uuid[])`,
        )
      : null,
    enqueueDeliveries(tx, j.matches.map((m) => m.subscription), response.alerts, j.basis.id, now),
    input.idempotencyKey !== undefined ? completeKey(tx, j.basis.id, input.idempotencyKey, 201, response) : null,
  ];
}

/** Webhook/email alerts get a direct delivery; persona alerts with a fallback get a conditional one. */
async function enqueueDeliveries(
  tx: Tx,
  matched: JudgedSubscription[],
  alerts: { subscription_id: string; seq: number }[],
  dashboardId: string,
  now: Date,
): Promise<void> {
  const rows: (typeof deliveries.$inferInsert)[] = [];
  matched.forEach((s, i) => {
    const seq = alerts[i]!.seq;
    const base = { dashboardId, seq, subscriptionId: s.id };
    if (s.subscriber_kind === "webhook" || s.subscriber_kind === "email") {
      rows.push({ ...base, id: randomUUID(), channel: s.subscriber_kind, target: s.subscriber_id, reason: "direct", nextAttemptAt: now });
    } else if (s.fallback) {
      const due = new Date(now.getTime() + s.fallback.after_ms);
      if (s.fallback.webhook_url) {
        rows.push({ ...base, id: randomUUID(), channel: "webhook", target: s.fallback.webhook_url, reason: "fallback", nextAttemptAt: due });
      }
      if (s.fallback.email) {
        rows.push({ ...base, id: randomUUID(), channel: "email", target: s.fallback.email, reason: "fallback", nextAttemptAt: due });
      }
    }
  });
  if (rows.length > 0) await tx.insert(deliveries).values(rows);
}
