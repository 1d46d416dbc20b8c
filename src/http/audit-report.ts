// The audit report: a summary of a dashboard's log over a time range, with a check that seq has no holes.
import type { HubEvent } from "../protocol/event.js";

export interface AuditReport {
  dashboard_id: string;
  from: string | null;
  to: string | null;
  generated_at: string;
  head_seq: number;
  events_in_range: number;
  first_seq: number | null;
  last_seq: number | null;
  contiguous: boolean;
  by_kind: Record<string, number>;
  alerts_by_subscription: { subscription_id: string; subscriber_kind: string; subscriber_id: string; alerts: number }[];
  snapshots: { snapshot_id: string; seq: number; at: string; actor: string }[];
  truncated: boolean;
}

export function buildAuditReport(
  dashboardId: string,
  range: { from: string | null; to: string | null },
  events: HubEvent[],
  headSeq: number,
  truncated: boolean,
  now: Date,
): AuditReport {
  const byKind: Record<string, number> = {};
  const alerts = new Map<string, AuditReport["alerts_by_subscription"][number]>();
  const snapshots: AuditReport["snapshots"] = [];
  let contiguous = true;
  events.forEach((e, i) => {
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    // A time range may start anywhere, but inside it every seq must follow the one before.
    if (i > 0 && e.seq !== events[i - 1]!.seq + 1) contiguous = false;
    if (e.kind === "snapshot.created") snapshots.push({ snapshot_id: String(e.data.snapshot_id), seq: e.seq, at: e.at, actor: e.actor });
    if (e.kind === "alert.matched") {
      const id = String(e.data.subscription_id);
      const row = alerts.get(id) ?? { subscription_id: id, subscriber_kind: String(e.data.subscriber_kind), subscriber_id: String(e.data.subscriber_id), alerts: 0 };
      row.alerts += 1;
      alerts.set(id, row);
    }
  });
  return {
    dashboard_id: dashboardId,
    from: range.from,
    to: range.to,
    generated_at: now.toISOString(),
    head_seq: headSeq,
    events_in_range: events.length,
    first_seq: events[0]?.seq ?? null,
    last_seq: events[events.length - 1]?.seq ?? null,
    contiguous,
    by_kind: byKind,
    alerts_by_subscription: [...alerts.values()].sort((a, b) => b.alerts - a.alerts),
    snapshots,
    truncated,
  };
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function renderAuditHtml(r: AuditReport): string {
  const rows = (cells: unknown[][]) => cells.map((c) => `<tr>${c.map((v) => `<td>${esc(v)}</td>`).join("")}</tr>`).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Audit: ${esc(r.dashboard_id)}</title>
<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head><body>
<h1>Audit report: ${esc(r.dashboard_id)}</h1>
<p>Range ${esc(r.from ?? "beginning")} to ${esc(r.to ?? "now")}; generated ${esc(r.generated_at)}.</p>
<p>${esc(r.events_in_range)} events (seq ${esc(r.first_seq ?? "-")} to ${esc(r.last_seq ?? "-")}, head ${esc(r.head_seq)});
sequence ${r.contiguous ? "contiguous" : "<strong>has holes</strong>"}${r.truncated ? "; <strong>truncated</strong>" : ""}.</p>
<h2>By kind</h2><table><tr><th>kind</th><th>events</th></tr>${rows(Object.entries(r.by_kind))}</table>
<h2>Alerts by subscription</h2><table><tr><th>subscription</th><th>kind</th><th>subscriber</th><th>alerts</th></tr>${rows(
    r.alerts_by_subscription.map((a) => [a.subscription_id, a.subscriber_kind, a.subscriber_id, a.alerts]),
  )}</table>
<h2>Snapshots</h2><table><tr><th>seq</th><th>snapshot</th><th>at</th><th>actor</th></tr>${rows(r.snapshots.map((s) => [s.seq, s.snapshot_id, s.at, s.actor]))}</table>
</body></html>`;
}
