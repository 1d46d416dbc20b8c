// Acks: the persona's highest acked seq (acks, read by the delivery queue) and every ack as received, with its
// time and session (ack_log), so the ledger can say who saw an alert and when. An ack also cancels the
// persona's fallback deliveries it makes unnecessary, at once, so the ledger shows them cancelled.
import { and, asc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "./database.js";
import { ackLog, acks, deliveries, events, subscriptions } from "./schema.js";

export interface AckRecord {
  persona: string;
  at: string;
}

/** An alert's page shows at most this many of the acks that covered it, earliest first. */
export const MAX_ACKS_PER_ALERT = 100;

export async function recordAck(db: Db, persona: string, dashboardId: string, seq: number, session: string | null, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const personaSubscriptions = tx
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.subscriberKind, "persona"), eq(subscriptions.subscriberId, persona)));
    await Promise.all([
      tx
        .insert(acks)
        .values({ persona, dashboardId, seq, updatedAt: at })
        .onConflictDoUpdate({ target: [acks.persona, acks.dashboardId], set: { seq: sql`greatest(${acks.seq}, excluded.seq)`, updatedAt: at } }),
      // The first ack of a seq is when it was seen; a repeat adds nothing to know.
      tx.insert(ackLog).values({ dashboardId, persona, seq, at, session }).onConflictDoNothing(),
      // Only a fallback not yet tried: once it fell due (attempts > 0) the alert is on its way, as the
      // queue's own check at due time has it.
      tx
        .update(deliveries)
        .set({ status: "cancelled", lastError: `acknowledged in time (acked seq ${seq})`, nextAttemptAt: at })
        .where(
          and(
            eq(deliveries.dashboardId, dashboardId),
            eq(deliveries.reason, "fallback"),
            eq(deliveries.status, "pending"),
            eq(deliveries.attempts, 0),
            lte(deliveries.seq, seq),
            inArray(deliveries.subscriptionId, personaSubscriptions),
            // Acked before its deadline (the alert's time plus after_ms). Not "next_attempt_at > now": a row
            // past its deadline may be leased, its next_attempt_at pushed ahead, and being sent right now.
            sql`exists (select 1 from ${events} join ${subscriptions} s on s.dashboard_id = ${events.dashboardId}
              where ${events.dashboardId} = ${dashboardId} and ${events.seq} = ${deliveries.seq} and s.id = ${deliveries.subscriptionId}
              and ${events.at} + (s.fallback->>'after_ms')::bigint * interval '1 millisecond' > ${at.toISOString()}::timestamptz)`,
          ),
        ),
    ]);
  });
}

/** The acks by `persona` of a seq ≥ `seq` on the dashboard: those that covered the alert at `seq`. */
export async function acksCovering(db: Db, dashboardId: string, persona: string, seq: number): Promise<AckRecord[]> {
  const rows = await db
    .select({ persona: ackLog.persona, at: ackLog.at })
    .from(ackLog)
    .where(and(eq(ackLog.dashboardId, dashboardId), eq(ackLog.persona, persona), gte(ackLog.seq, seq)))
    .orderBy(asc(ackLog.at), asc(ackLog.seq))
    .limit(MAX_ACKS_PER_ALERT);
  return rows.map((r) => ({ persona: r.persona, at: r.at.toISOString() }));
}
