// The part of an alert.matched event's data that deliveries read, checked once when the queue loads it.
import type { Diff } from "../core/types.js";
import type { HubEvent } from "../protocol/event.js";

export interface AlertData {
  subscription_id: string;
  snapshot_id: string;
  previous_snapshot_id: string | null;
  diff: Diff | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** null when the event is not an alert this hub wrote (another kind, or data of another shape). */
export function readAlertData(event: HubEvent): AlertData | null {
  const d = event.data;
  if (event.kind !== "alert.matched") return null;
  if (typeof d.subscription_id !== "string" || typeof d.snapshot_id !== "string") return null;
  if (d.previous_snapshot_id !== null && typeof d.previous_snapshot_id !== "string") return null;
  if (d.diff !== null && !isObject(d.diff)) return null;
  return {
    subscription_id: d.subscription_id,
    snapshot_id: d.snapshot_id,
    previous_snapshot_id: d.previous_snapshot_id as string | null,
    // The ingest wrote this diff with core's own type; the checks above only guard against foreign rows.
    diff: d.diff as Diff | null,
  };
}

/** The Standard Webhooks body of the contract: snapshot_a/b are the previous and the new snapshot. */
export function webhookBody(job: { event: HubEvent; alert: AlertData }): string {
  return JSON.stringify({
    dashboard_id: job.event.dashboard_id,
    snapshot_a: job.alert.previous_snapshot_id,
    snapshot_b: job.alert.snapshot_id,
    diff: job.alert.diff,
    event: job.event,
  });
}
