// A dashboard PATCH under the dashboard's row lock, journaled: a change appends dashboard.updated with
// {from, to} per changed field (CONTRACT "Event kinds, version 2"); a PATCH that changes nothing appends nothing.
import { eq } from "drizzle-orm";
import { redactUrl } from "../core/redact.js";
import { topNReorderingMax } from "../core/rules.js";
import type { Rule } from "../core/types.js";
import type { LogEntry } from "../protocol/event.js";
import type { Db } from "./database.js";
import { lockDashboard } from "./dashboard-lock.js";
import { appendEvents } from "./event-log.js";
import { toDashboard } from "./mappers.js";
import { failure, ok, type Failure, type NotFound, type Result } from "./result.js";
import { dashboards, subscriptions } from "./schema.js";
import type { Dashboard, DashboardSettings } from "./store.js";

/** "top-n-conflict": a subscription's top_n_reordering rule needs more than the new top_n. */
export type DashboardUpdateFailure = NotFound | Failure<"top-n-conflict">;
export type DashboardUpdate = Result<{ dashboard: Dashboard; entries: LogEntry[] }, DashboardUpdateFailure>;

const SETTINGS: readonly (keyof DashboardSettings)[] = ["name", "id_field", "rank_by", "top_n", "primary_metric_field", "metadata", "source_url"];

export const settingsColumns = (s: Partial<DashboardSettings>) => ({
  name: s.name,
  idField: s.id_field,
  rankBy: s.rank_by,
  topN: s.top_n,
  primaryMetricField: s.primary_metric_field,
  metadata: s.metadata,
  sourceUrl: s.source_url,
});

/** `actor` null: the change is not journaled (callers of version 1's store method). */
export async function updateDashboard(db: Db, id: string, patch: Partial<DashboardSettings>, at: Date, actor: string | null): Promise<DashboardUpdate> {
  return db.transaction(async (tx) => {
    const current = await lockDashboard(tx, id);
    if (!current) return failure("not-found");
    if (patch.top_n !== undefined && patch.top_n < current.topN) {
      const subs = await tx.select({ rule: subscriptions.thresholdJson }).from(subscriptions).where(eq(subscriptions.dashboardId, id));
      if (subs.some((s) => topNReorderingMax(s.rule as Rule) > patch.top_n!)) return failure("top-n-conflict");
    }
    const columns = Object.fromEntries(Object.entries(settingsColumns(patch)).filter(([, v]) => v !== undefined));
    if (patch.metadata && patch.metadata.snapshot_policy !== current.metadata.snapshot_policy) Object.assign(columns, { policySetAt: at });
    if (Object.keys(columns).length === 0) return ok({ dashboard: toDashboard(current), entries: [] });
    const [row] = await tx.update(dashboards).set(columns).where(eq(dashboards.id, id)).returning();
    const before = toDashboard(current);
    const after = toDashboard(row!);
    const changes = changedFields(before, after);
    if (actor === null || Object.keys(changes).length === 0) return ok({ dashboard: after, entries: [] });
    const entries = await appendEvents(tx, id, current.headSeq, [{ kind: "dashboard.updated", data: { changes } }], actor, at);
    return ok({ dashboard: { ...after, head_seq: current.headSeq + entries.length }, entries });
  });
}

/**
 * {from, to} of every setting whose value changed. source_url is shown only to owners and admins, and events
 * go to every reader, so its values are reduced to their origin, as webhook URLs are.
 */
export function changedFields(before: DashboardSettings, after: DashboardSettings): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of SETTINGS) {
    if (canonical(before[field]) === canonical(after[field])) continue;
    changes[field] = field === "source_url" ? { from: originOf(before.source_url), to: originOf(after.source_url) } : { from: before[field], to: after[field] };
  }
  return changes;
}

const originOf = (url: string | null) => (url === null ? null : redactUrl(url));

/** JSON with object keys sorted, so equal metadata compares equal whatever order its keys came in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}
