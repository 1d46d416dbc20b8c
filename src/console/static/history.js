// A dashboard's recent history as the chart and the diff view read it: its newest snapshots (oldest first)
// and the alert events of those snapshots.
import { api, dashboardPath } from "./api.js";

/** GET /snapshots answers at most 100 (its maximum), newest first: the chart spans the latest 100. */
export const HISTORY_SNAPSHOTS = 100;
/** Alerts are read in pages of the events route's maximum, at most this many pages per load. */
const EVENT_PAGE = 1000;
const MAX_EVENT_PAGES = 5;
export const ALERT_KINDS = "alert.matched,alert.resolved";

export async function loadHistory(dashboardId) {
  const { snapshots } = await api("GET", dashboardPath(dashboardId, `/snapshots?limit=${HISTORY_SNAPSHOTS}`));
  const ordered = snapshots.slice().reverse();
  if (ordered.length === 0) return { snapshots: ordered, alerts: [] };
  // An alert is appended with its snapshot, at the snapshot's received_at: older events cannot be about these.
  const from = ordered.reduce((min, s) => (s.received_at < min ? s.received_at : min), ordered[0].received_at);
  const ids = new Set(ordered.map((s) => s.id));
  const alerts = await loadAlerts(dashboardId, from);
  return { snapshots: ordered, alerts: alerts.filter((e) => ids.has(e.data?.snapshot_id)) };
}

async function loadAlerts(dashboardId, from) {
  const alerts = [];
  let after = 0;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const query = new URLSearchParams({ after_seq: String(after), limit: String(EVENT_PAGE), kinds: ALERT_KINDS, from });
    const result = await api("GET", dashboardPath(dashboardId, `/events?${query}`));
    alerts.push(...result.events);
    if (result.events.length === 0 || result.next_after_seq >= result.head_seq) break;
    after = result.next_after_seq;
  }
  return alerts;
}
