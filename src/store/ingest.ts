// The ingest transaction: snapshot, diff, rules, events and delivery work commit together or not at all.
import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { judge } from "../core/judge.js";
import { redactSubscriber } from "../core/redact.js";
import type { RankSettings, Row, SnapshotData } from "../core/types.js";
import type { Tx } from "./database.js";
import { planAppend, writeAppend, type EventDraft } from "./event-log.js";
import { toSubscription } from "./mappers.js";
import { completeKey } from "./idempotency.js";
import { dashboards, deliveries, snapshots, subscriptions } from "./schema.js";
import type { SnapshotCache } from "./snapshot-cache.js";
import type { IngestInput, IngestResult, Subscription } from "./store.js";

export async function ingestSnapshot(tx: Tx, cache: SnapshotCache, input: IngestInput, now: Date): Promise<IngestResult> {
  // The subscriptions are read in the lock's round trip: statements started together run in the order
  // started, so the read still happens under the row lock.
  const [[dashboard], subs] = await Promise.all([
    tx.select().from(dashboards).where(eq(dashboards.id, input.dashboardId)).for("update"),
    loadSubscriptions(tx, input.dashboardId),
  ]);
  if (!dashboard) return { ok: false, error: "not-found" };
  const previousTakenAt = dashboard.latestTakenAt;
  if (input.takenAt && previousTakenAt && input.takenAt < previousTakenAt) {
    return { ok: false, error: "taken-at-before-previous", previous: previousTakenAt.toISOString() };
  }
  // Another node's clock may run ahead of ours: receipt time never goes backwards within a dashboard.
  const takenAt = input.takenAt ?? (previousTakenAt && previousTakenAt > now ? previousTakenAt : now);

  const snapshotId = randomUUID();
  const next: SnapshotData = { rows: input.rows, primaryMetric: input.primaryMetric };
  const previousId = dashboard.latestSnapshotId;
  const previous = previousId ? await loadSnapshotData(tx, cache, input.dashboardId, previousId) : null;
  const settings: RankSettings = {
    idField: dashboard.idField,
    rankBy: dashboard.rankBy,
    topN: dashboard.topN,
    primaryMetricField: dashboard.primaryMetricField,
  };
  const judged = previous ? judge(previous, next, settings, subs) : null;
  const diff = judged?.diff ?? null;
  const matches = judged?.matches ?? [];

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
  const plan = await planAppend(tx, input.dashboardId, dashboard.headSeq, drafts, input.actor, now);
  const entries = plan.entries;
  const alerts = matches.map((m, i) => ({ subscription_id: m.subscription.id, seq: entries[i + 1]!.event.seq }));
  const response = { snapshot_id: snapshotId, seq_range: { from: entries[0]!.event.seq, to: entries[entries.length - 1]!.event.seq }, diff, alerts };

  // Everything left is a write that needs nothing read back: all of it is started at once and runs in
  // the order started, in one round trip. A drizzle query starts when it is then'd, so each is then'd
  // here, in this order: the snapshot first, because the events reference it.
  await Promise.all([
    tx
      .insert(snapshots)
      .values({
        id: snapshotId,
        dashboardId: input.dashboardId,
        takenAt,
        receivedAt: now,
        primaryMetric: input.primaryMetric,
        rowCount: input.rows.length,
        rows: input.rows,
        contentHash: input.contentHash,
        diff,
      })
      .then(() => {}),
    ...writeAppend(tx, plan, { latestSnapshotId: snapshotId, latestTakenAt: takenAt }),
    alerts.length > 0
      ? tx
          .update(subscriptions)
          .set({ lastNotifiedSnapshotId: snapshotId })
          .where(and(eq(subscriptions.dashboardId, input.dashboardId), inArray(subscriptions.id, alerts.map((a) => a.subscription_id))))
          .then(() => {})
      : null,
    enqueueDeliveries(tx, matches.map((m) => m.subscription), alerts, input.dashboardId, now),
    input.idempotencyKey !== undefined ? completeKey(tx, input.dashboardId, input.idempotencyKey, 201, response) : null,
  ]);
  cache.set(snapshotId, next);

  return {
    ok: true,
    value: {
      ...response,
      entries,
    },
  };
}

async function loadSnapshotData(tx: Tx, cache: SnapshotCache, dashboardId: string, id: string): Promise<SnapshotData> {
  const cached = cache.get(id);
  if (cached) return cached;
  const [row] = await tx
    .select({ rows: snapshots.rows, primaryMetric: snapshots.primaryMetric })
    .from(snapshots)
    .where(and(eq(snapshots.dashboardId, dashboardId), eq(snapshots.id, id)));
  if (!row?.rows) throw new Error(`snapshot ${id} is the dashboard's latest but is missing`);
  const data: SnapshotData = { rows: row.rows as Row[], primaryMetric: row.primaryMetric };
  cache.set(id, data);
  return data;
}

async function loadSubscriptions(tx: Tx, dashboardId: string): Promise<Subscription[]> {
  const rows = await tx.select().from(subscriptions).where(eq(subscriptions.dashboardId, dashboardId));
  return rows.map(toSubscription);
}

/** Webhook/email alerts get a direct delivery; persona alerts with a fallback get a conditional one. */
async function enqueueDeliveries(
  tx: Tx,
  matched: Subscription[],
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
