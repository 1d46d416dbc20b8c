// The event: one entry of a dashboard's log, identical in the store, the HTTP replay and the WebSocket.

// Appended at the end only: the broker header names a kind by its index here (src/hub/batch.ts).
export const EVENT_KINDS = [
  "snapshot.created",
  "alert.matched",
  "subscription.created",
  "subscription.deleted",
  "alert.resolved",
  "subscription.updated",
  "subscription.disabled",
  "dashboard.updated",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface HubEvent {
  dashboard_id: string;
  seq: number;
  kind: EventKind;
  /** ISO 8601 time of the append. */
  at: string;
  actor: string;
  data: Record<string, unknown>;
}

/**
 * What the broker carries: the event plus the routing facts a hub needs to fan it out without a query.
 * `persona` and `prev_seq` are set on alert.matched and alert.resolved events of persona subscriptions only.
 */
export interface LogEntry {
  event: HubEvent;
  persona: string | null;
  prev_seq: number | null;
}
