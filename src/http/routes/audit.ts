import { Hono } from "hono";
import type { AuditRange, SnapshotMark, Store } from "../../store/store.js";
import { auditHtml, auditJson, buildAuditHead } from "../audit-report.js";
import type { ApiDeps, Env } from "../context.js";
import { auditQuerySchema } from "../schemas.js";
import { dashboardFromPath } from "../middleware.js";
import { parseQuery } from "../validate.js";

/** Snapshot list rows read per query: what one report holds in memory at a time. */
export const AUDIT_PAGE = 1000;

export function auditRoutes({ store, now }: ApiDeps) {
  return new Hono<Env>().get("/:id/audit", dashboardFromPath(store), async (c) => {
    const dashboard = c.get("dashboard");
    const q = parseQuery(auditQuerySchema, c.req.query());
    const range: AuditRange = { from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined };
    // The counts and the first page before the status goes out, so that a failing database still gets a
    // problem answer; a failure on a later page can only cut the stream.
    const [summary, byDelivery, firstPage, firstAlerts] = await Promise.all([
      store.auditSummary(dashboard.id, range),
      store.deliveriesBySubscription(dashboard.id, range),
      store.readSnapshotMarks(dashboard.id, range, 0, AUDIT_PAGE),
      store.readAlertMarks(dashboard.id, range, 0, AUDIT_PAGE),
    ]);
    const head = buildAuditHead(dashboard.id, { from: q.from ?? null, to: q.to ?? null }, summary, now(), byDelivery);
    const pages = snapshotPages(store, dashboard.id, range, firstPage);
    const alerts = pagesOf(firstAlerts, (after) => store.readAlertMarks(dashboard.id, range, after, AUDIT_PAGE));
    const html = q.format === "html";
    return c.body(toStream(html ? auditHtml(head, pages, alerts) : auditJson(head, pages, alerts)), 200, {
      "content-type": html ? "text/html; charset=UTF-8" : "application/json",
    });
  });
}

function snapshotPages(store: Pick<Store, "readSnapshotMarks">, dashboardId: string, range: AuditRange, first: SnapshotMark[]): AsyncGenerator<SnapshotMark[]> {
  return pagesOf(first, (after) => store.readSnapshotMarks(dashboardId, range, after, AUDIT_PAGE));
}

/** Keyset pages on seq: a short page is the last. */
async function* pagesOf<T extends { seq: number }>(first: T[], next: (afterSeq: number) => Promise<T[]>): AsyncGenerator<T[]> {
  let page = first;
  for (;;) {
    yield page;
    if (page.length < AUDIT_PAGE) return;
    page = await next(page[page.length - 1]!.seq);
  }
}

/** Pulls the next chunk only when the client has taken the last one: memory stays at one page. */
function toStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
