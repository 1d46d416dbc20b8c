// The delivery ledger as the API shows it: outbox rows with their attempts, in (seq, id) order, read a page
// at a time, bounded in count and (delivery-bytes.ts) in bytes; and the one write it allows, a hand retry of
// a failed delivery.
import { and, asc, eq, gt, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "./database.js";
import { idsWithin } from "./delivery-bytes.js";
import { failure, ok, type Failure, type NotFound, type Result } from "./result.js";
import { deliveries, deliveryAttempts, subscriptions } from "./schema.js";

export type DeliveryStatus = "pending" | "delivered" | "failed" | "cancelled";

export interface DeliveryAttempt {
  n: number;
  at: string;
  outcome: "delivered" | "failed";
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** CONTRACT "Delivery ledger". The target is left out: it is the owner's, and the subscriptions API shows it. */
export interface Delivery {
  id: string;
  dashboard_id: string;
  seq: number;
  subscription_id: string;
  channel: "webhook" | "email";
  reason: "direct" | "fallback";
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** When a pending delivery is tried next; null once it is settled. */
  next_attempt_at: string | null;
  created_at: string;
}

export interface DeliveryQuery {
  /** null: every delivery (admins); else only those of subscriptions this sub owns. */
  owner: string | null;
  subscriptionId?: string;
  seq?: number;
  status?: DeliveryStatus;
  /** A delivery id: the page starts after it in (seq, id) order. */
  after?: string;
  limit: number;
  /** The deliveries' JSON stays within this, except a first delivery that is larger alone (it comes alone). */
  maxBytes?: number;
}

export interface DeliveryPage {
  deliveries: Delivery[];
  /** The page stopped at `limit` or at `maxBytes`, so more may follow its last delivery. */
  more: boolean;
}

/** "conflict": not failed (or no longer); "disabled": its subscription is; "spent": no attempt is left. */
export type RetryResult = Result<Delivery, NotFound | Failure<"conflict" | "disabled" | "spent">>;

/** A delivery takes at most this many attempts in all, hand retries included, so its ledger entry stays bounded. */
export const MAX_ATTEMPTS_PER_DELIVERY = 100;

export async function listDeliveries(db: Db, dashboardId: string, q: DeliveryQuery): Promise<DeliveryPage> {
  const mine = eq(deliveries.dashboardId, dashboardId);
  const conditions: (SQL | undefined)[] = [mine];
  if (q.subscriptionId !== undefined) conditions.push(eq(deliveries.subscriptionId, q.subscriptionId));
  if (q.seq !== undefined) conditions.push(eq(deliveries.seq, q.seq));
  if (q.status !== undefined) conditions.push(eq(deliveries.status, q.status));
  if (q.after !== undefined) {
    // The cursor's own (seq, id), read in the same partition; an unknown cursor matches nothing.
    const cursor = sql`(select ${deliveries.seq} from ${deliveries} where ${deliveries.dashboardId} = ${dashboardId} and ${deliveries.id} = ${q.after})`;
    conditions.push(or(gt(deliveries.seq, cursor), and(eq(deliveries.seq, cursor), gt(deliveries.id, q.after))));
  }
  if (q.owner !== null) {
    const owned = db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.owner, q.owner)));
    conditions.push(inArray(deliveries.subscriptionId, owned));
  }
  const where = and(...conditions);
  const order = [asc(deliveries.seq), asc(deliveries.id)];
  if (q.maxBytes === undefined) {
    const rows = await db.select(ledgerColumns).from(deliveries).where(where).orderBy(...order).limit(q.limit);
    return { deliveries: await withAttempts(db, dashboardId, rows), more: rows.length === q.limit };
  }
  // Measured in the database first, so that only the deliveries within the budget are loaded, attempts and
  // all; in one snapshot, as an attempt recorded between the measure and the load would make the page heavier
  // than measured.
  const page = db.select({ id: deliveries.id, seq: deliveries.seq }).from(deliveries).where(where).orderBy(...order).limit(q.limit);
  const maxBytes = q.maxBytes;
  return db.transaction(
    async (tx) => {
      const measured = await idsWithin(tx, dashboardId, page, maxBytes);
      if (measured.ids.length === 0) return { deliveries: [], more: false };
      const rows = await tx.select(ledgerColumns).from(deliveries).where(and(mine, inArray(deliveries.id, measured.ids))).orderBy(...order);
      const attempts = await attemptsOf(tx, dashboardId, measured.ids);
      return { deliveries: toDeliveries(rows, attempts), more: measured.of === q.limit || measured.ids.length < measured.of };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

export async function getDelivery(db: Db, dashboardId: string, id: string): Promise<{ delivery: Delivery; owner: string | null; enabled: boolean } | null> {
  const [row] = await db
    .select({ delivery: deliveries, owner: subscriptions.owner, enabled: subscriptions.enabled })
    .from(deliveries)
    .leftJoin(subscriptions, and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.id, deliveries.subscriptionId)))
    .where(and(eq(deliveries.dashboardId, dashboardId), eq(deliveries.id, id)));
  if (!row) return null;
  const [delivery] = await withAttempts(db, dashboardId, [row.delivery]);
  return { delivery: delivery!, owner: row.owner, enabled: row.enabled ?? false };
}

/** failed → pending, due now; the attempt count goes on, so the schedule is spent and the retry is one attempt. */
export async function retryDelivery(db: Db, dashboardId: string, id: string, at: Date): Promise<RetryResult> {
  const found = await getDelivery(db, dashboardId, id);
  if (!found) return failure("not-found");
  if (found.delivery.status !== "failed") return failure("conflict");
  if (!found.enabled) return failure("disabled");
  if (found.delivery.attempts.length >= MAX_ATTEMPTS_PER_DELIVERY) return failure("spent");
  const moved = await db
    .update(deliveries)
    .set({ status: "pending", nextAttemptAt: at })
    .where(and(eq(deliveries.dashboardId, dashboardId), eq(deliveries.id, id), eq(deliveries.status, "failed")))
    .returning();
  if (moved.length === 0) return failure("conflict");
  return ok((await withAttempts(db, dashboardId, moved))[0]!);
}

const ledgerColumns = {
  id: deliveries.id,
  dashboardId: deliveries.dashboardId,
  seq: deliveries.seq,
  subscriptionId: deliveries.subscriptionId,
  channel: deliveries.channel,
  reason: deliveries.reason,
  status: deliveries.status,
  nextAttemptAt: deliveries.nextAttemptAt,
  createdAt: deliveries.createdAt,
};
type LedgerRow = Pick<typeof deliveries.$inferSelect, keyof typeof ledgerColumns>;

async function withAttempts(db: Db, dashboardId: string, rows: readonly LedgerRow[]): Promise<Delivery[]> {
  return toDeliveries(rows, await attemptsOf(db, dashboardId, rows.map((r) => r.id)));
}

async function attemptsOf(db: Db, dashboardId: string, ids: readonly string[]): Promise<Map<string, DeliveryAttempt[]>> {
  const byDelivery = new Map<string, DeliveryAttempt[]>();
  if (ids.length === 0) return byDelivery;
  const attempts = await db
    .select()
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.dashboardId, dashboardId), inArray(deliveryAttempts.deliveryId, [...ids])))
    .orderBy(asc(deliveryAttempts.deliveryId), asc(deliveryAttempts.n));
  for (const a of attempts) {
    const list = byDelivery.get(a.deliveryId) ?? [];
    list.push({ n: a.n, at: a.at.toISOString(), outcome: a.outcome, status_code: a.statusCode, error: a.error, duration_ms: a.durationMs });
    byDelivery.set(a.deliveryId, list);
  }
  return byDelivery;
}

function toDeliveries(rows: readonly LedgerRow[], attempts: ReadonlyMap<string, DeliveryAttempt[]>): Delivery[] {
  return rows.map((r) => ({
    id: r.id,
    dashboard_id: r.dashboardId,
    seq: r.seq,
    subscription_id: r.subscriptionId,
    channel: r.channel,
    reason: r.reason,
    status: r.status,
    attempts: attempts.get(r.id) ?? [],
    next_attempt_at: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
    created_at: r.createdAt.toISOString(),
  }));
}
