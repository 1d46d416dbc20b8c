// The outbox rows an ingest writes in its transaction, so an accepted alert is never lost.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { arrayLiteral, type Tx } from "./database.js";
import type { Emitted } from "./ingest-drafts.js";
import { deliveries } from "./schema.js";

type OutboxRow = typeof deliveries.$inferInsert;

/**
 * Webhook/email alerts get a direct delivery; persona alerts with a fallback a conditional one. A resolution
 * goes direct only: it never escalates to a fallback. A disabled subscription's alerts are logged, not queued.
 */
export function outboxRows(emitted: readonly Emitted[], seqs: readonly number[], dashboardId: string, now: Date): OutboxRow[] {
  const rows: OutboxRow[] = [];
  emitted.forEach(({ subject: s, emit }, i) => {
    if (!s.enabled) return;
    const base = { dashboardId, seq: seqs[i]!, subscriptionId: s.id };
    if (s.subscriber_kind === "webhook" || s.subscriber_kind === "email") {
      rows.push({ ...base, id: randomUUID(), channel: s.subscriber_kind, target: s.subscriber_id, reason: "direct", nextAttemptAt: now });
    } else if (s.fallback && emit.kind === "matched") {
      const due = new Date(now.getTime() + s.fallback.after_ms);
      if (s.fallback.webhook_url) {
        rows.push({ ...base, id: randomUUID(), channel: "webhook", target: s.fallback.webhook_url, reason: "fallback", nextAttemptAt: due });
      }
      if (s.fallback.email) {
        rows.push({ ...base, id: randomUUID(), channel: "email", target: s.fallback.email, reason: "fallback", nextAttemptAt: due });
      }
    }
  });
  return rows;
}

/**
 * Only direct deliveries are due at once; a fallback waits its after_ms, which the worker's poll takes. So
 * this, not the kinds of the committed events, is what decides whether a commit wakes the worker.
 */
export const hasDueDeliveries = (rows: readonly OutboxRow[]): boolean => rows.some((r) => r.reason === "direct");

export function enqueueDeliveries(tx: Tx, rows: readonly OutboxRow[]): PromiseLike<unknown> | null {
  return rows.length > 0 ? tx.insert(deliveries).values([...rows]) : null;
}

/** A resolved alert needs no escalation: its fallback deliveries still waiting are cancelled, in the same transaction. */
export function cancelResolvedFallbacks(tx: Tx, emitted: readonly Emitted[], dashboardId: string): PromiseLike<unknown> | null {
  const fired = emitted.flatMap(({ emit }) => (emit.kind === "resolved" && emit.fired_seq !== null ? [emit.fired_seq] : []));
  if (fired.length === 0) return null;
  return tx.execute(
    sql`update deliveries set status = 'cancelled'
        where dashboard_id = ${dashboardId} and seq = any(${arrayLiteral(fired)}::bigint[]) and reason = 'fallback' and status = 'pending'`,
  );
}
