import { Hono } from "hono";
import { isAdmin } from "../auth.js";
import type { ApiDeps, Env } from "../context.js";
import { dashboardFromPath } from "../middleware.js";
import { DEFAULT_MAX_PAGE_BYTES, entriesBudget } from "../page-bytes.js";
import { HttpProblem } from "../problem.js";
import { eventsQuerySchema } from "../schemas.js";
import { parseQuery } from "../validate.js";

export function eventRoutes({ store, maxPageBytes = DEFAULT_MAX_PAGE_BYTES }: ApiDeps) {
  return new Hono<Env>().get("/:id/events", dashboardFromPath(store), async (c) => {
    const dashboard = c.get("dashboard");
    const q = parseQuery(eventsQuerySchema, c.req.query());
    const principal = c.get("principal");
    // One persona's alert stream says when and how often it was alerted: its own business, and the admins'.
    if (q.persona !== undefined && q.persona !== principal.sub && !isAdmin(principal)) {
      throw new HttpProblem("forbidden", "?persona= reads only your own alerts (admins may read anyone's)");
    }
    const page = await store.readEvents(dashboard.id, {
      afterSeq: q.after_seq,
      limit: q.limit,
      kinds: q.kinds,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      persona: q.persona,
      // Bounded in bytes as well as in count; an event larger than the bound still comes, alone, so a
      // client paging on next_after_seq always moves on.
      maxBytes: entriesBudget(maxPageBytes, q.limit),
    });
    const events = page.entries.map((e) => e.event);
    return c.json({
      events,
      next_after_seq: events.length > 0 ? events[events.length - 1]!.seq : q.after_seq,
      head_seq: page.head_seq,
    });
  });
}
