// The Store port on drizzle: PostgreSQL in production, PGlite embedded and in tests.
import { and, desc, eq, getTableColumns, gt, lte, sql } from "drizzle-orm";
import type { Database } from "./database.js";
import { acksCovering, recordAck } from "./ack-log.js";
import { backtest } from "./backtest.js";
import { settingsColumns, updateDashboard } from "./dashboard-update.js";
import { getDelivery, listDeliveries, retryDelivery } from "./delivery-ledger.js";
import { readEvents } from "./event-log.js";
import { explain } from "./explain.js";
import { rotateSecret } from "./subscription-secrets.js";
import { deliveriesBySubscription, readAlertMarks } from "./audit-ledger.js";
import { auditSummary, readSnapshotMarks } from "./audit-log.js";
import { followedHeads } from "./followed-heads.js";
import { claimKey, completeKey, releaseKey } from "./idempotency.js";
import { ingestSnapshot } from "./ingest.js";
import { toDashboard, toSnapshotMeta, toSubscription } from "./mappers.js";
import { failure, ok } from "./result.js";
import { pruneAll, prunePass } from "./retention-batches.js";
import { acks, dashboards, SCHEDULED, snapshots, subscriptions } from "./schema.js";
import { createSnapshotCache } from "./snapshot-cache.js";
import { createSubscriptionCache } from "./subscription-cache.js";
import { updateSubscription } from "./subscription-update.js";
import { createSubscription, deleteSubscription } from "./subscription-writes.js";
import type { SnapshotRead, Store, SubscriptionInput, SubscriptionQuota, SubscriptionSecrets } from "./store.js";

// Any constant works: the advisory lock that lets one node at a time run a retention pass.
const RETENTION_LOCK = 727_002;
const EVENT_PRUNE_BATCH = 1000;

export interface DrizzleStoreOptions {
  now?: () => Date;
  /** SNAPSHOT_CACHE_BYTES: the parsed previous snapshots kept for the next diff, by their rows' JSON size. */
  snapshotCacheBytes?: number;
}

export const DEFAULT_SNAPSHOT_CACHE_BYTES = 64 * 1024 * 1024;


export function createDrizzleStore(database: Database, options: DrizzleStoreOptions = {}): Store {
  const { db } = database;
  const now = options.now ?? (() => new Date());
  const cache = createSnapshotCache(options.snapshotCacheBytes ?? DEFAULT_SNAPSHOT_CACHE_BYTES);
  const subscriptionCache = createSubscriptionCache();

  // Every request and every socket subscribe looks a dashboard up: building the query once saves the
  // query builder's work (a few hundred µs of CPU, more than the round trip) on each of them.
  const dashboardById = db
    .select()
    .from(dashboards)
    .where(eq(dashboards.id, sql.placeholder("id")))
    .prepare("dashboard_by_id");

  const snapshotWithRows = (r: typeof snapshots.$inferSelect | undefined): SnapshotRead =>
    !r ? failure("not-found") : r.rows === null ? failure("gone") : ok({ ...toSnapshotMeta(r), rows: r.rows });

  return {
    async createDashboard(id, settings, owner = null) {
      const rows = await db
        .insert(dashboards)
        .values({ id, ...settingsColumns(settings), owner, createdAt: now() })
        .onConflictDoNothing()
        .returning();
      return rows[0] ? ok(toDashboard(rows[0])) : failure("conflict");
    },

    async updateDashboard(id, patch) {
      const updated = await updateDashboard(db, id, patch, now(), null);
      return updated.ok ? ok(updated.value.dashboard) : updated;
    },

    async getDashboard(id) {
      const [row] = await dashboardById.execute({ id });
      return row ? toDashboard(row) : null;
    },

    async listDashboards(after, limit) {
      // One row past the page tells whether another page follows, without a count.
      const rows = await db
        .select()
        .from(dashboards)
        .where(after === null ? undefined : gt(dashboards.id, after))
        .orderBy(dashboards.id)
        .limit(limit + 1);
      return { dashboards: rows.slice(0, limit).map(toDashboard), more: rows.length > limit };
    },

    async listScheduledDashboards() {
      const rows = await db
        .select()
        .from(dashboards)
        .where(SCHEDULED);
      return rows.map((r) => ({ ...toDashboard(r), policy_set_at: (r.policySetAt ?? r.createdAt).toISOString() }));
    },

    followedHeads: (dashboardIds, personas) => followedHeads(db, dashboardIds, personas),

    ingestSnapshot: (input) => ingestSnapshot(db, cache, input, now(), subscriptionCache),

    async listSnapshots(dashboardId, limit) {
      const { rows: _rows, ...meta } = getTableColumns(snapshots);
      const rows = await db
        .select(meta)
        .from(snapshots)
        .where(eq(snapshots.dashboardId, dashboardId))
        .orderBy(desc(snapshots.takenAt), desc(snapshots.receivedAt))
        .limit(limit);
      return rows.map(toSnapshotMeta);
    },

    async getSnapshot(dashboardId, snapshotId) {
      const [row] = await db
        .select()
        .from(snapshots)
        .where(and(eq(snapshots.dashboardId, dashboardId), eq(snapshots.id, snapshotId)));
      return snapshotWithRows(row);
    },

    async snapshotAt(dashboardId, at) {
      const [row] = await db
        .select()
        .from(snapshots)
        .where(and(eq(snapshots.dashboardId, dashboardId), lte(snapshots.takenAt, at)))
        .orderBy(desc(snapshots.takenAt), desc(snapshots.receivedAt))
        .limit(1);
      return snapshotWithRows(row);
    },

    createSubscription: (async (input: SubscriptionInput, secrets: SubscriptionSecrets, actor: string, quota?: SubscriptionQuota) => {
      const created = await createSubscription(db, input, secrets, actor, quota, now);
      // Only a quota can refuse a create, so without one the caller gets the subscription itself.
      return quota || !created.ok ? created : created.value;
    }) as Store["createSubscription"],

    async listSubscriptions(dashboardId, owner) {
      const where = owner === null ? eq(subscriptions.dashboardId, dashboardId) : and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.owner, owner));
      const rows = await db.select().from(subscriptions).where(where).orderBy(subscriptions.createdAt);
      return rows.map(toSubscription);
    },

    async getSubscription(dashboardId, id) {
      const [row] = await db
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.id, id)));
      return row ? toSubscription(row) : null;
    },

    deleteSubscription: (dashboardId, id, actor) => deleteSubscription(db, dashboardId, id, actor, now),

    updateSubscription: (dashboardId, id, patch, actor, newFallbackSecret) => updateSubscription(db, dashboardId, id, patch, actor, newFallbackSecret, now()),
    async backtest(dashboardId, input) {
      const result = await backtest(db, dashboardId, input);
      if (!result) throw new Error(`dashboard ${dashboardId} vanished`);
      return result;
    },
    explain: (dashboardId, subscriptionId, snapshotId) => explain(db, cache, dashboardId, subscriptionId, snapshotId),

    readEvents: (dashboardId, query) => readEvents(db, dashboardId, query),
    auditSummary: (dashboardId, range) => auditSummary(db, dashboardId, range),
    readSnapshotMarks: (dashboardId, range, afterSeq, limit) => readSnapshotMarks(db, dashboardId, range, afterSeq, limit),

    recordAck: (persona, dashboardId, seq, session = null) => recordAck(db, persona, dashboardId, seq, session, now()),
    updateDashboardLogged: (id, patch, actor) => updateDashboard(db, id, patch, now(), actor),
    readAlertMarks: (dashboardId, range, afterSeq, limit) => readAlertMarks(db, dashboardId, range, afterSeq, limit),
    deliveriesBySubscription: (dashboardId, range) => deliveriesBySubscription(db, dashboardId, range),
    listDeliveries: (dashboardId, query) => listDeliveries(db, dashboardId, query),
    getDelivery: (dashboardId, id) => getDelivery(db, dashboardId, id),
    retryDelivery: (dashboardId, id) => retryDelivery(db, dashboardId, id, now()),
    acksCovering: (dashboardId, persona, seq) => acksCovering(db, dashboardId, persona, seq),
    rotateSecret: (dashboardId, id, secret) => rotateSecret(db, dashboardId, id, secret, now()),

    async hasPersonaSubscription(dashboardId, persona) {
      const rows = await db
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .where(and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.subscriberKind, "persona"), eq(subscriptions.subscriberId, persona)))
        .limit(1);
      return rows.length > 0;
    },

    async ackedSeq(persona, dashboardId) {
      const [row] = await db
        .select({ seq: acks.seq })
        .from(acks)
        .where(and(eq(acks.persona, persona), eq(acks.dashboardId, dashboardId)));
      return row?.seq ?? 0;
    },

    claimIdempotencyKey: (dashboardId, key, hash) => claimKey(db, dashboardId, key, hash, now()),
    completeIdempotencyKey: async (dashboardId, key, status, body) => { await completeKey(db, dashboardId, key, status, body); },
    releaseIdempotencyKey: (dashboardId, key) => releaseKey(db, dashboardId, key),

    pruneEvents: (before) => pruneAll(db, "events", before, { batchSize: EVENT_PRUNE_BATCH }),

    async prune(cutoffs, options) {
      const pass = await database.withTryLock(RETENTION_LOCK, () => prunePass(db, cutoffs, options));
      return pass.locked ? ok(pass.value) : failure("busy");
    },

    async ping() {
      await db.select({ one: sql<number>`1` }).from(dashboards).limit(1);
    },

    close: () => database.close(),
  };
}
