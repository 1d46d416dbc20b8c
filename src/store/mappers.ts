// Database rows to the port's shapes, in one place.
import type { Baseline } from "../core/baseline.js";
import type { Lifecycle, LifecycleState } from "../core/lifecycle.js";
import type { Rule } from "../core/types.js";
import type { EventKind, LogEntry } from "../protocol/event.js";
import type { dashboards, events, snapshots, subscriptions } from "./schema.js";
import type { Dashboard, Fallback, SnapshotMeta, Subscription } from "./store.js";

export function toDashboard(r: typeof dashboards.$inferSelect): Dashboard {
  return {
    id: r.id,
    name: r.name,
    id_field: r.idField,
    rank_by: r.rankBy,
    top_n: r.topN,
    primary_metric_field: r.primaryMetricField,
    // Unset settings show their defaults (CONTRACT Details); the stored object stays as given.
    metadata: { snapshot_policy: "manual", ...r.metadata },
    source_url: r.sourceUrl,
    owner: r.owner,
    head_seq: r.headSeq,
    latest_snapshot_id: r.latestSnapshotId,
    created_at: r.createdAt.toISOString(),
  };
}

export function toSnapshotMeta(r: Omit<typeof snapshots.$inferSelect, "rows">): SnapshotMeta {
  return {
    id: r.id,
    dashboard_id: r.dashboardId,
    taken_at: r.takenAt.toISOString(),
    received_at: r.receivedAt.toISOString(),
    primary_metric: r.primaryMetric,
    row_count: r.rowCount,
  };
}

export function toSubscription(r: typeof subscriptions.$inferSelect): Subscription {
  return {
    id: r.id,
    dashboard_id: r.dashboardId,
    subscriber_kind: r.subscriberKind,
    subscriber_id: r.subscriberId,
    threshold_json: r.thresholdJson as Rule,
    fallback: (r.fallback as Fallback | null) ?? null,
    owner: r.owner,
    last_notified_snapshot_id: r.lastNotifiedSnapshotId,
    created_at: r.createdAt.toISOString(),
    baseline: (r.baseline as Baseline | null) ?? "previous",
    lifecycle: (r.lifecycle as Lifecycle | null) ?? null,
    state: subscriptionState(r.lifecycle as Lifecycle | null, r.lifecycleState as LifecycleState | null),
    enabled: r.enabled,
  };
}

/** Only a resolving lifecycle has a state to show; none stored yet is "ok". */
export function subscriptionState(lifecycle: Lifecycle | null, state: LifecycleState | null): Subscription["state"] {
  return lifecycle?.resolve ? (state?.state ?? "ok") : null;
}

/** `joined` puts back what the row stores elsewhere (the snapshot's diff); an alert's own diff is on the row. */
export function toLogEntry(r: Omit<typeof events.$inferSelect, "diff"> & { diff?: unknown }, joined: { diff: unknown } | null): LogEntry {
  if (!joined && r.diff !== null && r.diff !== undefined) joined = { diff: r.diff };
  return {
    event: {
      dashboard_id: r.dashboardId,
      seq: r.seq,
      kind: r.kind as EventKind,
      at: r.at.toISOString(),
      actor: r.actor,
      data: joined ? { ...r.data, diff: joined.diff ?? null } : r.data,
    },
    persona: r.persona,
    prev_seq: r.prevSeq,
  };
}

/**
 * Rows read with their snapshot's diff joined: the diff of one snapshot becomes one object shared by its
 * events, as ingest builds them, so whoever serializes them does it once per snapshot.
 */
export function toLogEntries(rows: { event: typeof events.$inferSelect; diff: unknown }[]): LogEntry[] {
  const diffs = new Map<string, unknown>();
  return rows.map(({ event, diff }) => {
    const id = event.snapshotId;
    if (!id) return toLogEntry(event, null);
    if (!diffs.has(id)) diffs.set(id, diff ?? null);
    return toLogEntry(event, { diff: diffs.get(id) });
  });
}
