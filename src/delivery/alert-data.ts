// The part of an alert event's data that deliveries read (alert.matched or alert.resolved), checked once when
// the queue loads it.
import type { Diff } from "../core/types.js";
import type { HubEvent } from "../protocol/event.js";

export interface AlertData {
  kind: "matched" | "resolved";
  subscription_id: string;
  snapshot_id: string;
  /** What the new snapshot was judged against: the subscription's baseline when it has one, else the previous snapshot; null for resolved. */
  compared_snapshot_id: string | null;
  previous_snapshot_id: string | null;
  /** alert.resolved: the seq of the alert.matched it ends; null otherwise. */
  fired_seq: number | null;
  /** null for alert.resolved, which carries no diff. */
  diff: Diff | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const idOrNull = (v: unknown): v is string | null | undefined => v === undefined || v === null || typeof v === "string";

/** null when the event is not an alert this hub wrote (another kind, or data of another shape). */
export function readAlertData(event: HubEvent): AlertData | null {
  const d = event.data;
  if (typeof d.subscription_id !== "string" || typeof d.snapshot_id !== "string") return null;
  if (event.kind === "alert.resolved") {
    if (d.fired_seq !== undefined && d.fired_seq !== null && typeof d.fired_seq !== "number") return null;
    const fired = typeof d.fired_seq === "number" ? d.fired_seq : null;
    return { kind: "resolved", subscription_id: d.subscription_id, snapshot_id: d.snapshot_id, compared_snapshot_id: null, previous_snapshot_id: null, fired_seq: fired, diff: null };
  }
  if (event.kind !== "alert.matched") return null;
  if (!idOrNull(d.previous_snapshot_id) || !idOrNull(d.baseline_snapshot_id)) return null;
  if (d.diff !== null && !isObject(d.diff)) return null;
  const previous = d.previous_snapshot_id ?? null;
  return {
    kind: "matched",
    subscription_id: d.subscription_id,
    snapshot_id: d.snapshot_id,
    // Events written before baselines existed have no baseline_snapshot_id: they were judged against the previous snapshot.
    compared_snapshot_id: d.baseline_snapshot_id ?? previous,
    previous_snapshot_id: previous,
    fired_seq: null,
    // The ingest wrote this diff with core's own type; the checks above only guard against foreign rows.
    diff: d.diff as Diff | null,
  };
}

/**
 * The Standard Webhooks body of the contract: snapshot_a is what the alert compared against (the baseline, or
 * the previous snapshot), snapshot_b the new snapshot. An alert.resolved has no comparison: snapshot_a and
 * diff are null and event.data.fired_seq names the alert it ends.
 */
export function webhookBody(job: { event: HubEvent; alert: AlertData }): string {
  return JSON.stringify({
    dashboard_id: job.event.dashboard_id,
    snapshot_a: job.alert.compared_snapshot_id,
    snapshot_b: job.alert.snapshot_id,
    diff: job.alert.diff,
    event: job.event,
  });
}
