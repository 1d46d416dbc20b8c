// The audit report: a summary of a dashboard's log over a time range, with a check that seq has no holes.
// The counts come from the database; the snapshot list, the one part that grows with the log, is written
// out page by page, so a report holds one page in memory whatever the range.
import { redactSubscriber } from "../core/redact.js";
import type { AlertMark, SubscriptionDeliveries } from "../store/audit-ledger.js";
import type { AuditSummary, SnapshotMark } from "../store/store.js";
import { escapeHtml } from "./html-escape.js";

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
  /** Per subscription, how the deliveries of the range's alerts ended, with delivered / (delivered + failed). */
  deliveries_by_subscription: SubscriptionDeliveries[];
  snapshots: { snapshot_id: string; seq: number; at: string; actor: string }[];
  /** Every alert of the range: where it went (its deliveries) and whether its persona saw it (acked). */
  alerts: AlertMark[];
  /** Kept for clients of version 1: the report is never cut now, so always false. */
  truncated: boolean;
}

/** Everything the report says before its snapshot list. */
export type AuditHead = Omit<AuditReport, "snapshots" | "alerts" | "truncated">;

export function buildAuditHead(
  dashboardId: string,
  range: { from: string | null; to: string | null },
  s: AuditSummary,
  now: Date,
  deliveries: SubscriptionDeliveries[] = [],
): AuditHead {
  return {
    dashboard_id: dashboardId,
    from: range.from,
    to: range.to,
    generated_at: now.toISOString(),
    head_seq: s.head_seq,
    events_in_range: s.events,
    first_seq: s.first_seq,
    last_seq: s.last_seq,
    // seq is unique per dashboard, so the range has no hole exactly when it holds every seq from first to last.
    contiguous: s.first_seq === null || s.last_seq! - s.first_seq + 1 === s.events,
    by_kind: Object.fromEntries(s.by_kind.map((k) => [k.kind, k.events])),
    // Stored events are redacted already (drizzle/0003, ingest); redacting again is free and idempotent.
    alerts_by_subscription: s.alerts_by_subscription.map((a) => ({ ...a, subscriber_id: redactSubscriber(a.subscriber_kind, a.subscriber_id) })),
    deliveries_by_subscription: deliveries,
  };
}

const mark = (m: SnapshotMark): AuditReport["snapshots"][number] => ({ snapshot_id: m.snapshot_id, seq: m.seq, at: m.at, actor: m.actor });

/** The report's JSON, byte for byte what JSON.stringify of the whole report gives. */
export async function* auditJson(head: AuditHead, pages: AsyncIterable<SnapshotMark[]>, alerts: AsyncIterable<AlertMark[]> = none()): AsyncGenerator<string> {
  yield `${JSON.stringify(head).slice(0, -1)},"snapshots":[`;
  yield* jsonItems(pages, mark);
  yield `],"alerts":[`;
  yield* jsonItems(alerts, (a) => a);
  yield `],"truncated":false}`;
}

async function* jsonItems<T>(pages: AsyncIterable<T[]>, shape: (item: T) => unknown): AsyncGenerator<string> {
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield (first ? "" : ",") + page.map((m) => JSON.stringify(shape(m))).join(",");
    first = false;
  }
}

async function* none<T>(): AsyncGenerator<T[]> {}

const seenText = (seen: boolean | null) => (seen === null ? "-" : seen ? "yes" : "no");

const rows = (cells: unknown[][]) => cells.map((c) => `<tr>${c.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`).join("");

export async function* auditHtml(r: AuditHead, pages: AsyncIterable<SnapshotMark[]>, alerts: AsyncIterable<AlertMark[]> = none()): AsyncGenerator<string> {
  yield `<!doctype html><html><head><meta charset="utf-8"><title>Audit: ${escapeHtml(r.dashboard_id)}</title>
<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head><body>
<h1>Audit report: ${escapeHtml(r.dashboard_id)}</h1>
<p>Range ${escapeHtml(r.from ?? "beginning")} to ${escapeHtml(r.to ?? "now")}; generated ${escapeHtml(r.generated_at)}.</p>
<p>${escapeHtml(r.events_in_range)} events (seq ${escapeHtml(r.first_seq ?? "-")} to ${escapeHtml(r.last_seq ?? "-")}, head ${escapeHtml(r.head_seq)});
sequence ${r.contiguous ? "contiguous" : "<strong>has holes</strong>"}.</p>
<h2>By kind</h2><table><tr><th>kind</th><th>events</th></tr>${rows(Object.entries(r.by_kind))}</table>
<h2>Alerts by subscription</h2><table><tr><th>subscription</th><th>kind</th><th>subscriber</th><th>alerts</th></tr>${rows(
    r.alerts_by_subscription.map((a) => [a.subscription_id, a.subscriber_kind, a.subscriber_id, a.alerts]),
  )}</table>
<h2>Deliveries by subscription</h2><table><tr><th>subscription</th><th>deliveries</th><th>delivered</th><th>failed</th><th>cancelled</th><th>pending</th><th>success rate</th></tr>${rows(
    r.deliveries_by_subscription.map((d) => [d.subscription_id, d.deliveries, d.delivered, d.failed, d.cancelled, d.pending, d.success_rate === null ? "-" : `${(d.success_rate * 100).toFixed(1)} %`]),
  )}</table>
<h2>Snapshots</h2><table><tr><th>seq</th><th>snapshot</th><th>at</th><th>actor</th></tr>`;
  for await (const page of pages) yield rows(page.map((s) => [s.seq, s.snapshot_id, s.at, s.actor]));
  yield `</table>
<h2>Alerts</h2><table><tr><th>seq</th><th>kind</th><th>at</th><th>subscription</th><th>subscriber</th><th>went to</th><th>seen</th></tr>`;
  for await (const page of alerts) {
    yield rows(page.map((a) => [a.seq, a.kind, a.at, a.subscription_id, a.subscriber_id, a.deliveries.map((d) => `${d.channel} (${d.reason}): ${d.status}`).join("; ") || "-", seenText(a.seen)]));
  }
  yield `</table>
</body></html>`;
}
