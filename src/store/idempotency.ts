// Idempotency keys: a claim row is written before the work and completed with the response after it.
import { and, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "./database.js";
import { idempotencyKeys } from "./schema.js";
import type { IdempotencyClaim } from "./store.js";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
// A claim still unfinished after this long belongs to a node that died mid-request.
const STALE_CLAIM_MS = 5 * 60 * 1000;

export async function claimKey(db: Db, dashboardId: string, key: string, requestHash: string, now: Date): Promise<IdempotencyClaim> {
  const where = and(eq(idempotencyKeys.dashboardId, dashboardId), eq(idempotencyKeys.key, key));
  await db.delete(idempotencyKeys).where(and(where, lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS))));
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ dashboardId, key, requestHash, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length > 0) return { state: "claimed" };

  const [row] = await db.select().from(idempotencyKeys).where(where);
  if (!row) return claimKey(db, dashboardId, key, requestHash, now);
  if (row.requestHash !== requestHash) return { state: "reused" };
  if (row.status !== null) return { state: "done", status: row.status, body: row.response };
  if (now.getTime() - row.createdAt.getTime() > STALE_CLAIM_MS) {
    await db.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.createdAt, row.createdAt)));
    return claimKey(db, dashboardId, key, requestHash, now);
  }
  return { state: "in-flight" };
}

/** Not started until awaited (or handed to `writeInOrder`), like every query it builds. */
export function completeKey(db: Db, dashboardId: string, key: string, status: number, body: unknown): PromiseLike<unknown> {
  return db
    .update(idempotencyKeys)
    .set({ status, response: body })
    .where(and(eq(idempotencyKeys.dashboardId, dashboardId), eq(idempotencyKeys.key, key)));
}

/** Only a claim still in flight goes: a completed key keeps answering its retries, even after a release. */
export async function releaseKey(db: Db, dashboardId: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.dashboardId, dashboardId), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)));
}
