// The outbox as a work queue shared by every hub node. A claim leases rows by pushing next_attempt_at past the
// lease, so a node that dies mid-send gives its jobs back when the lease runs out; results are written only
// while the lease still holds, so a late node cannot overwrite the work of the node that took over.
import { and, asc, eq, gt, inArray, lte, notInArray, or, type SQL } from "drizzle-orm";
import type { Db } from "../store/database.js";
import { toLogEntry } from "../store/mappers.js";
import { acks, dashboards, deliveries, events, snapshots, subscriptions } from "../store/schema.js";
import type { LogEntry } from "../protocol/event.js";
import type { ChannelKind, DeliveryJob, DeliveryResult } from "./delivery-channel.js";
import { planDelivery, type ClaimedRow } from "./delivery-plan.js";
import { nextAttemptAt, scheduleProblems } from "./retry-schedule.js";
import { ATTEMPT_ERROR_MAX, disableEndpoint, settleAttempt, type AttemptRecord } from "./settle-attempt.js";

export interface DeliveryQueueOptions {
  /** DELIVERY_RETRY_SCHEDULE in ms. */
  schedule: readonly number[];
  /** How long a claimed job stays invisible to other claims; must outlast the slowest send. */
  leaseMs: number;
  /** WEBHOOK_DISABLE_AFTER_MS: a webhook endpoint failing this long is disabled; 0 never disables. */
  disableAfterMs?: number;
  /** Gets what settling appended to a log (subscription.disabled), committed, for the broker. */
  onAppended?: (entries: LogEntry[]) => void;
  now?: () => Date;
}

export interface LeasedJob {
  job: DeliveryJob;
  subscriptionId: string;
  /** The fencing token: the next_attempt_at the claim wrote. */
  leaseUntil: Date;
}

export interface Claim {
  jobs: LeasedJob[];
  /** Rows settled without sending: fallbacks acked in time, deleted subscriptions, pruned alerts. */
  settled: number;
  /** Of those, how many were cancelled (the rest failed). */
  cancelled: number;
}

export type RecordOutcome = "delivered" | "retry" | "failed" | "lease-lost";

export interface DeliveryQueue {
  /** Leases up to `limit` due pending jobs of these channels, passing over `skipTargets` (busy endpoints). */
  claim(limit: number, channels: readonly ChannelKind[], skipTargets?: readonly string[]): Promise<Claim>;
  record(leased: LeasedJob, result: DeliveryResult): Promise<RecordOutcome>;
}

// The due-soonest read looks at this many rows per row wanted, so rows other nodes hold do not hide the rest.
const PROBE_FACTOR = 4;

export function createDeliveryQueue(db: Db, options: DeliveryQueueOptions): DeliveryQueue {
  const problems = [...scheduleProblems(options.schedule), ...(options.leaseMs >= 1 ? [] : ["leaseMs must be ≥ 1"])];
  if (problems.length > 0) throw new Error(`delivery queue: ${problems.join("; ")}`);
  const schedule = [...options.schedule];
  const now = options.now ?? (() => new Date());
  const disableAfterMs = options.disableAfterMs ?? 0;

  // Deliveries are partitioned by dashboard_id (as Citus would shard them), so a claim never locks rows
  // of several partitions in one statement: a bounded read without locks names the dashboards whose rows
  // are due soonest, and each of them is claimed on its own, in its one partition, with SKIP LOCKED.
  async function lease(limit: number, channels: readonly ChannelKind[], skip: readonly string[], at: Date, leaseUntil: Date): Promise<Map<string, string[]>> {
    // A first attempt waits schedule[0] after the row's due time (the alert, or the fallback deadline).
    const firstDue = new Date(at.getTime() - schedule[0]!);
    const isDue = and(
      eq(deliveries.status, "pending"),
      inArray(deliveries.channel, [...channels]),
      skip.length > 0 ? notInArray(deliveries.target, [...skip]) : undefined,
      or(
        and(eq(deliveries.attempts, 0), lte(deliveries.nextAttemptAt, firstDue)),
        and(gt(deliveries.attempts, 0), lte(deliveries.nextAttemptAt, at)),
      ),
    );
    const soonest = await db
      .select({ dashboardId: deliveries.dashboardId })
      .from(deliveries)
      .where(isDue)
      .orderBy(asc(deliveries.nextAttemptAt))
      .limit(limit * PROBE_FACTOR);
    const due = [...new Set(soonest.map((r) => r.dashboardId))].slice(0, limit);
    // Fair shares, oldest dashboard first: one busy dashboard cannot take the whole batch from the others.
    const shares = due.map((_, i) => Math.floor(limit / due.length) + (i < limit % due.length ? 1 : 0));
    const claimed = await Promise.all(due.map((dashboardId, i) => claimFrom(dashboardId, shares[i]!, isDue, leaseUntil)));
    // What a dashboard with fewer due rows left over goes to those that filled their share, in turn.
    let left = limit - claimed.reduce((n, ids) => n + ids.length, 0);
    for (let i = 0; i < due.length && left > 0; i++) {
      if (claimed[i]!.length < shares[i]!) continue;
      const more = await claimFrom(due[i]!, left, isDue, leaseUntil);
      claimed[i]!.push(...more);
      left -= more.length;
    }
    return new Map(due.flatMap((dashboardId, i) => (claimed[i]!.length > 0 ? [[dashboardId, claimed[i]!] as const] : [])));
  }

  async function claimFrom(dashboardId: string, limit: number, isDue: SQL | undefined, leaseUntil: Date): Promise<string[]> {
    const mine = eq(deliveries.dashboardId, dashboardId);
    const due = db.$with("due").as(
      db
        .select({ id: deliveries.id })
        .from(deliveries)
        .where(and(mine, isDue))
        .orderBy(asc(deliveries.nextAttemptAt))
        .limit(limit)
        // Concurrent claims on other nodes pass over each other's rows instead of queueing behind them.
        .for("update", { skipLocked: true }),
    );
    const rows = await db
      .with(due)
      .update(deliveries)
      .set({ nextAttemptAt: leaseUntil })
      .where(and(mine, inArray(deliveries.id, db.select({ id: due.id }).from(due))))
      .returning({ id: deliveries.id });
    return rows.map((r) => r.id);
  }

  /** The claimed rows of one dashboard with what they refer to; every join names the dashboard. */
  async function load(dashboardId: string, ids: string[]): Promise<ClaimedRow[]> {
    const rows = await db
      .select({
        delivery: deliveries,
        event: events,
        subscription: {
          kind: subscriptions.subscriberKind,
          secret: subscriptions.secret,
          fallbackSecret: subscriptions.fallbackSecret,
          enabled: subscriptions.enabled,
          previousSecret: subscriptions.previousSecret,
          previousSecretUntil: subscriptions.previousSecretUntil,
        },
        dashboard: { name: dashboards.name, topN: dashboards.topN },
        ackedSeq: acks.seq,
        diff: snapshots.diff,
      })
      .from(deliveries)
      .leftJoin(events, and(eq(events.dashboardId, dashboardId), eq(events.seq, deliveries.seq)))
      .leftJoin(snapshots, and(eq(snapshots.dashboardId, dashboardId), eq(snapshots.id, events.snapshotId)))
      .leftJoin(subscriptions, and(eq(subscriptions.dashboardId, dashboardId), eq(subscriptions.id, deliveries.subscriptionId)))
      .leftJoin(dashboards, eq(dashboards.id, deliveries.dashboardId))
      .leftJoin(
        acks,
        and(eq(subscriptions.subscriberKind, "persona"), eq(acks.persona, subscriptions.subscriberId), eq(acks.dashboardId, deliveries.dashboardId)),
      )
      .where(and(eq(deliveries.dashboardId, dashboardId), inArray(deliveries.id, ids)));
    return rows.map((r) => ({
      delivery: r.delivery,
      event: r.event ? toLogEntry(r.event, r.event.snapshotId ? { diff: r.diff } : null).event : null,
      subscription: r.subscription,
      dashboard: r.dashboard,
      ackedSeq: r.ackedSeq ?? 0,
    }));
  }

  async function settle(dashboardId: string, id: string, leaseUntil: Date, set: Partial<typeof deliveries.$inferInsert>): Promise<boolean> {
    const rows = await db
      .update(deliveries)
      .set(set)
      .where(
        and(eq(deliveries.dashboardId, dashboardId), eq(deliveries.id, id), eq(deliveries.status, "pending"), eq(deliveries.nextAttemptAt, leaseUntil)),
      )
      .returning({ id: deliveries.id });
    return rows.length > 0;
  }

  return {
    async claim(limit, channels, skipTargets = []) {
      if (limit < 1 || channels.length === 0) return { jobs: [], settled: 0, cancelled: 0 };
      const at = now();
      const leaseUntil = new Date(at.getTime() + options.leaseMs);
      const claimed = await lease(limit, channels, skipTargets, at, leaseUntil);
      if (claimed.size === 0) return { jobs: [], settled: 0, cancelled: 0 };
      const loaded = (await Promise.all([...claimed].map(([dashboardId, ids]) => load(dashboardId, ids)))).flat();
      const dashboardOf = new Map(loaded.map((r) => [r.delivery.id, r.delivery.dashboardId]));
      const subscriptionOf = new Map(loaded.map((r) => [r.delivery.id, r.delivery.subscriptionId]));
      const plans = loaded.map((r) => planDelivery(r, at));
      const jobs: LeasedJob[] = [];
      const settling: Promise<boolean>[] = [];
      for (const plan of plans) {
        switch (plan.kind) {
          case "send":
            jobs.push({ job: plan.job, subscriptionId: subscriptionOf.get(plan.job.id)!, leaseUntil });
            break;
          case "skip":
          case "fail":
            settling.push(
              settle(dashboardOf.get(plan.id)!, plan.id, leaseUntil, {
                status: plan.kind === "skip" ? "cancelled" : "failed",
                lastError: plan.why,
                // Settled rows keep in next_attempt_at the time they settled.
                nextAttemptAt: at,
              }),
            );
            break;
          default:
            plan satisfies never;
        }
      }
      await Promise.all(settling);
      return { jobs, settled: settling.length, cancelled: plans.filter((p) => p.kind === "skip").length };
    },

    async record({ job, subscriptionId, leaseUntil }, result) {
      const at = now();
      const attempts = job.attempt + 1;
      const next = !result.ok && result.retryable ? nextAttemptAt(schedule, attempts, at) : null;
      const outcome: RecordOutcome = result.ok ? "delivered" : next ? "retry" : "failed";
      const record: AttemptRecord = {
        dashboardId: job.dashboard.id,
        deliveryId: job.id,
        subscriptionId,
        disablesEndpoint: job.channel === "webhook" && job.reason === "direct",
        leaseUntil,
        at,
        n: attempts,
        outcome: result.ok ? "delivered" : "failed",
        statusCode: result.statusCode ?? null,
        error: result.ok ? null : result.error,
        durationMs: result.durationMs ?? 0,
        set: {
          attempts,
          lastError: result.ok ? null : result.error.slice(0, ATTEMPT_ERROR_MAX),
          // Settled rows keep in next_attempt_at the time they settled.
          nextAttemptAt: next ?? at,
          ...(outcome === "retry" ? {} : { status: outcome === "delivered" ? "delivered" : "failed" }),
        },
      };
      const settled = await settleAttempt(db, record, disableAfterMs);
      if (!settled.won) return "lease-lost";
      if (settled.overdue) {
        const entries = await disableEndpoint(db, record, disableAfterMs);
        if (entries.length > 0) options.onAppended?.(entries);
      }
      return outcome;
    },
  };
}
