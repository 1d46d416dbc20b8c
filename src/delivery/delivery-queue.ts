// The outbox as a work queue shared by every hub node. A claim leases rows by pushing next_attempt_at past the
// lease, so a node that dies mid-send gives its jobs back when the lease runs out; results are written only
// while the lease still holds, so a late node cannot overwrite the work of the node that took over.
import type { LogEntry } from "../protocol/event.js";
import { type AttemptRecord, type ClaimedRow, type DeliveryStore, type DueRows, type UnsentRow } from "../store/delivery-store.js";
import type { ChannelKind, DeliveryJob, DeliveryResult } from "./delivery-channel.js";
import { planDelivery } from "./delivery-plan.js";
import { nextAttemptAt, scheduleProblems } from "./retry-schedule.js";

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

export function createDeliveryQueue(store: DeliveryStore, options: DeliveryQueueOptions): DeliveryQueue {
  const problems = [...scheduleProblems(options.schedule), ...(options.leaseMs >= 1 ? [] : ["leaseMs must be ≥ 1"])];
  if (problems.length > 0) throw new Error(`delivery queue: ${problems.join("; ")}`);
  const schedule = [...options.schedule];
  const now = options.now ?? (() => new Date());
  const disableAfterMs = options.disableAfterMs ?? 0;

  // A claim never locks rows of several dashboards (partitions) in one statement: a bounded read without
  // locks names the dashboards whose rows are due soonest, and each of them is leased on its own.
  async function lease(limit: number, due: DueRows, leaseUntil: Date): Promise<ClaimedRow[][]> {
    const dashboards = await store.dueDashboards(due, limit * PROBE_FACTOR, limit);
    // Fair shares, oldest dashboard first: one busy dashboard cannot take the whole batch from the others.
    const shares = dashboards.map((_, i) => Math.floor(limit / dashboards.length) + (i < limit % dashboards.length ? 1 : 0));
    const claimed = await Promise.all(dashboards.map((dashboardId, i) => store.lease(dashboardId, due, shares[i]!, leaseUntil)));
    // What a dashboard with fewer due rows left over goes to those that filled their share, in turn.
    let left = limit - claimed.reduce((n, rows) => n + rows.length, 0);
    for (let i = 0; i < dashboards.length && left > 0; i++) {
      if (claimed[i]!.length < shares[i]!) continue;
      const more = await store.lease(dashboards[i]!, due, left, leaseUntil);
      claimed[i]!.push(...more);
      left -= more.length;
    }
    return claimed.filter((rows) => rows.length > 0);
  }

  return {
    async claim(limit, channels, skipTargets = []) {
      if (limit < 1 || channels.length === 0) return { jobs: [], settled: 0, cancelled: 0 };
      const at = now();
      const leaseUntil = new Date(at.getTime() + options.leaseMs);
      // A first attempt waits schedule[0] after the row's due time (the alert, or the fallback deadline).
      const due: DueRows = { channels, skipTargets, firstDueBy: new Date(at.getTime() - schedule[0]!), retryDueBy: at };
      const claimed = await lease(limit, due, leaseUntil);
      const jobs: LeasedJob[] = [];
      let settled = 0;
      let cancelled = 0;
      const settling = claimed.map((rows) => {
        const unsent: UnsentRow[] = [];
        for (const row of rows) {
          const plan = planDelivery(row, at);
          switch (plan.kind) {
            case "send":
              jobs.push({ job: plan.job, subscriptionId: row.delivery.subscriptionId, leaseUntil });
              break;
            case "skip":
            case "fail":
              unsent.push({ id: plan.id, status: plan.kind === "skip" ? "cancelled" : "failed", why: plan.why });
              break;
            default:
              plan satisfies never;
          }
        }
        // What the store settled, not what was asked: a row whose lease ran out meanwhile is another node's.
        // The store answers a total, so cancellations are counted only when the whole batch settled.
        return store.settleUnsent(rows[0]!.delivery.dashboardId, leaseUntil, at, unsent).then((n) => {
          settled += n;
          if (n === unsent.length) cancelled += unsent.filter((u) => u.status === "cancelled").length;
        });
      });
      await Promise.all(settling);
      return { jobs, settled, cancelled };
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
        row: {
          status: outcome === "retry" ? "pending" : outcome,
          attempts,
          // Settled rows keep in next_attempt_at the time they settled.
          nextAttemptAt: next ?? at,
        },
      };
      const settled = await store.recordAttempt(record, disableAfterMs);
      if (!settled.ok) return "lease-lost";
      if (settled.value.overdue) {
        const disabled = await store.disableEndpoint(record, disableAfterMs);
        if (disabled.ok && disabled.value.length > 0) options.onAppended?.(disabled.value);
      }
      return outcome;
    },
  };
}
