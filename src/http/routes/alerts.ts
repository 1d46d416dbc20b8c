// One alert's whole story (CONTRACT "Delivery ledger"): the event, where it went, and who acked it. Seen by
// admins, the subscription's owner and the persona it alerted; to anyone else it does not exist.
import { Hono } from "hono";
import type { HubEvent } from "../../protocol/event.js";
import { ownerScope, ownsOrAdmin, type Principal } from "../auth.js";
import type { ApiDeps, Env } from "../context.js";
import { dashboardFromPath } from "../middleware.js";
import { HttpProblem } from "../problem.js";
import { eventSeqParam } from "../schemas.js";

const ALERT_KINDS = new Set(["alert.matched", "alert.resolved"]);

export function alertRoutes({ store }: ApiDeps) {
  return new Hono<Env>().get("/:id/alerts/:seq", dashboardFromPath(store), async (c) => {
    const dashboard = c.get("dashboard");
    const principal = c.get("principal");
    const seq = eventSeqParam.safeParse(c.req.param("seq"));
    const notFound = new HttpProblem("not-found", "no alert with that seq on this dashboard");
    if (!seq.success) throw notFound;
    const page = await store.readEvents(dashboard.id, { afterSeq: seq.data - 1, limit: 1 });
    const event = page.entries[0]?.event;
    if (!event || event.seq !== seq.data || !ALERT_KINDS.has(event.kind)) throw notFound;
    const subscription = typeof event.data.subscription_id === "string" ? await store.getSubscription(dashboard.id, event.data.subscription_id) : null;
    const persona = event.data.subscriber_kind === "persona" ? String(event.data.subscriber_id) : null;
    if (!maySee(principal, subscription?.owner ?? null, persona)) throw notFound;
    const [{ deliveries }, acks] = await Promise.all([
      // One alert has at most two deliveries (direct, or a fallback's webhook and email), each of at most
      // MAX_ATTEMPTS_PER_DELIVERY attempts: under 0.7 MB besides the event, so no byte cut, which with no
      // cursor to go on would hide deliveries. The count bound is generous.
      store.listDeliveries(dashboard.id, { owner: ownerScope(principal), seq: event.seq, limit: 1000 }),
      persona === null ? Promise.resolve([]) : store.acksCovering(dashboard.id, persona, event.seq),
    ]);
    return c.json({ event: event satisfies HubEvent, deliveries, acks });
  });
}

function maySee(p: Principal, owner: string | null, persona: string | null): boolean {
  return ownsOrAdmin(p, owner) || (persona !== null && persona === p.sub);
}
