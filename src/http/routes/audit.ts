import { Hono } from "hono";
import type { HubEvent } from "../../protocol/event.js";
import { buildAuditReport, renderAuditHtml } from "../audit-report.js";
import type { ApiDeps, Env } from "../context.js";
import { auditQuerySchema } from "../schemas.js";
import { parseQuery } from "../validate.js";
import { loadDashboard } from "./dashboards.js";

// Bounds one report's memory; a longer range says `truncated` and can be split by time.
const MAX_AUDIT_EVENTS = 50_000;
const PAGE = 1000;

export function auditRoutes({ store, now }: ApiDeps) {
  return new Hono<Env>().get("/:id/audit", async (c) => {
    const dashboard = await loadDashboard(store, c.req.param("id"));
    const q = parseQuery(auditQuerySchema, c.req.query());
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    const events: HubEvent[] = [];
    let afterSeq = 0;
    let headSeq = 0;
    let truncated = false;
    for (;;) {
      const page = await store.readEvents(dashboard.id, { afterSeq, limit: PAGE, from, to });
      headSeq = page.head_seq;
      events.push(...page.entries.map((e) => e.event));
      if (page.entries.length < PAGE) break;
      if (events.length >= MAX_AUDIT_EVENTS) {
        truncated = true;
        break;
      }
      afterSeq = page.entries[page.entries.length - 1]!.event.seq;
    }
    const report = buildAuditReport(dashboard.id, { from: q.from ?? null, to: q.to ?? null }, events.slice(0, MAX_AUDIT_EVENTS), headSeq, truncated, now());
    return q.format === "html" ? c.html(renderAuditHtml(report)) : c.json(report);
  });
}
