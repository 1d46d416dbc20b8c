// Retention as bounded batches: each batch is one short statement of its own, so ingest waits at most one
// batch for a row both touch. Batches select across partitions by time (this is maintenance, not a
// per-dashboard query); each one deletes or updates by primary key, dashboard_id first.
import { and, eq, isNotNull, isNull, lt, ne, notExists, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./database.js";
import { dashboards, deliveries, events, idempotencyKeys, snapshots } from "./schema.js";

export type PruneKind = "events" | "snapshot_rows" | "snapshots" | "deliveries" | "idempotency_keys";

/** Cutoffs of one pass; null: keep forever. */
export interface RetentionCutoffs {
  eventsBefore: Date | null;
  snapshotRowsBefore: Date | null;
  deliveriesBefore: Date;
  idempotencyKeysBefore: Date;
}

export type PruneCounts = Record<PruneKind, number>;

export interface PruneOptions {
  /** Rows per statement. */
  batchSize: number;
  /** Awaited after each full batch (another follows): lets other work run, and lets a test hold a pass. */
  betweenBatches?: (kind: PruneKind) => Promise<void>;
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A dashboard's latest snapshot is never pruned: the next ingest diffs against its rows. */
const isNotLatest = (db: Db) =>
  notExists(
    db
      .select({ one: sql`1` })
      .from(dashboards)
      .where(and(eq(dashboards.id, snapshots.dashboardId), eq(dashboards.latestSnapshotId, snapshots.id))),
  );

/**
 * `(dashboard_id, key) in (up to limit keys of rows matching where)`. The subquery's own FROM shadows the
 * outer statement's table of the same name, so its column references name its rows.
 */
const inBatch = (db: Db, table: PgTable, key: readonly [AnyPgColumn, AnyPgColumn], where: SQL | undefined, limit: number) =>
  sql`(${key[0]}, ${key[1]}) in (${db.select({ a: key[0], b: key[1] }).from(table).where(where).limit(limit)})`;

/** One batch of `kind` before `before`; returns how many rows it pruned. */
export async function pruneBatch(db: Db, kind: PruneKind, before: Date, limit: number): Promise<number> {
  const one = { one: sql`1` };
  const snapshotKey = [snapshots.dashboardId, snapshots.id] as const;
  switch (kind) {
    case "events":
      return (await db.delete(events).where(inBatch(db, events, [events.dashboardId, events.seq], lt(events.at, before), limit)).returning(one)).length;
    case "snapshot_rows": {
      const where = and(isNotNull(snapshots.rows), lt(snapshots.takenAt, before), isNotLatest(db));
      return (await db.update(snapshots).set({ rows: null }).where(inBatch(db, snapshots, snapshotKey, where, limit)).returning(one)).length;
    }
    case "snapshots": {
      // The object and its diff go with its events, which were appended at its received_at.
      const where = and(isNull(snapshots.rows), lt(snapshots.receivedAt, before), isNotLatest(db));
      return (await db.delete(snapshots).where(inBatch(db, snapshots, snapshotKey, where, limit)).returning(one)).length;
    }
    case "deliveries": {
      const where = and(ne(deliveries.status, "pending"), lt(deliveries.createdAt, before));
      return (await db.delete(deliveries).where(inBatch(db, deliveries, [deliveries.dashboardId, deliveries.id], where, limit)).returning(one)).length;
    }
    case "idempotency_keys": {
      const key = [idempotencyKeys.dashboardId, idempotencyKeys.key] as const;
      return (await db.delete(idempotencyKeys).where(inBatch(db, idempotencyKeys, key, lt(idempotencyKeys.createdAt, before), limit)).returning(one)).length;
    }
    default:
      return kind satisfies never;
  }
}

/** Batches of one kind until a batch comes back short. */
export async function pruneAll(db: Db, kind: PruneKind, before: Date, options: PruneOptions): Promise<number> {
  const pause = options.betweenBatches ?? yieldTurn;
  let total = 0;
  for (;;) {
    const n = await pruneBatch(db, kind, before, options.batchSize);
    total += n;
    if (n < options.batchSize) return total;
    await pause(kind);
  }
}

/** One pass over every kind, events first (a snapshot object goes only once its events have). */
export async function prunePass(db: Db, cutoffs: RetentionCutoffs, options: PruneOptions): Promise<PruneCounts> {
  const plan: [PruneKind, Date | null][] = [
    ["events", cutoffs.eventsBefore],
    ["snapshot_rows", cutoffs.snapshotRowsBefore],
    ["snapshots", cutoffs.eventsBefore],
    ["deliveries", cutoffs.deliveriesBefore],
    ["idempotency_keys", cutoffs.idempotencyKeysBefore],
  ];
  const counts: PruneCounts = { events: 0, snapshot_rows: 0, snapshots: 0, deliveries: 0, idempotency_keys: 0 };
  for (const [kind, before] of plan) {
    if (before !== null) counts[kind] = await pruneAll(db, kind, before, options);
  }
  return counts;
}
