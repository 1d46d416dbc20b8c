// Takes snapshots of dashboards whose metadata.snapshot_policy is "hourly" or a cron pattern, from their
// source_url. The timer is set for the next due instant of any dashboard (and at least every refreshMs, to
// learn of new and changed policies), and every due instant is taken. Several nodes may run it: each instant
// is claimed once through the idempotency keys.
import type { Logger } from "pino";
import type { CommittedWrites } from "../app/committed-writes.js";
import { sha256 } from "../app/content-hash.js";
import type { ScheduledDashboard, Store } from "../store/store.js";
import { nextDue } from "./due-times.js";
import { fetchSource, type SourceOptions } from "./fetch-source.js";

export const SCHEDULER_ACTOR = "system:scheduler";
/** The CONTRACT's bound on lateness: an instant this far past is skipped, not taken late. */
export const MAX_LATENESS_MS = 20_000;

export interface SchedulerTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface SchedulerOptions {
  store: Pick<Store, "listScheduledDashboards">;
  /** Claims each instant's key, ingests and publishes (app/committed-writes.ts). */
  writes: Pick<CommittedWrites, "writeSnapshot">;
  logger: Logger;
  source: SourceOptions;
  now?: () => Date;
  timers?: SchedulerTimers;
  /** How often the list of scheduled dashboards is read again. Default 5000. */
  refreshMs?: number;
  /** Dashboards fetched at once. Default 16. */
  concurrency?: number;
}

export interface Scheduler {
  /** Rereads the dashboards, then takes every instant due now; returns how many snapshots it took. */
  tick(): Promise<number>;
  start(): void;
  stop(): void;
  /** Resolves once the work in progress (if any) is done; for tests that drive the timers. */
  settled(): Promise<void>;
}

interface Plan {
  dashboard: ScheduledDashboard;
  policy: unknown;
  anchor: number;
  /** The last instant handled (taken, skipped or before the policy was set). */
  cursor: Date;
}

const realTimers: SchedulerTimers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export function createScheduler(options: SchedulerOptions): Scheduler {
  const now = options.now ?? (() => new Date());
  const timers = options.timers ?? realTimers;
  const refreshMs = options.refreshMs ?? 5000;
  const concurrency = options.concurrency ?? 16;
  const plans = new Map<string, Plan>();
  let lastRefresh = -Infinity;
  let timer: unknown = null;
  let started = false;
  let refreshing: Promise<void> | null = null;
  // dashboard id → its chain of instants in flight
  const active = new Map<string, Promise<number>>();

  async function snapshot(dashboard: ScheduledDashboard, slot: Date): Promise<boolean> {
    const key = `scheduler:${slot.toISOString()}`;
    // The key is completed inside the ingest transaction, as for the HTTP route: a node that dies right
    // after the commit cannot leave the instant open for another node to snapshot again.
    const write = await options.writes.writeSnapshot(dashboard.id, { key, requestHash: sha256(key) }, async () => {
      const source = await fetchSource(dashboard.source_url!, dashboard.id_field, options.source);
      if (source.ok) return { ingest: { rows: source.body.rows, primaryMetric: source.body.primary_metric, takenAt: null, actor: SCHEDULER_ACTOR } };
      options.logger.warn({ dashboard_id: dashboard.id, instant: slot.toISOString(), error: source.error }, "scheduled snapshot skipped");
      return { skip: { status: 502, body: { error: source.error } } };
    });
    return write.state === "committed";
  }

  /** The first instant to consider: after the policy was set, but not one already too late to take. */
  const startCursor = (anchor: number, at: Date) => new Date(Math.min(at.getTime(), Math.max(anchor, at.getTime() - MAX_LATENESS_MS)));

  async function refresh(at: Date) {
    // Set first: a failed read is tried again after refreshMs, not at once.
    lastRefresh = at.getTime();
    const seen = new Set<string>();
    for (const d of await options.store.listScheduledDashboards()) {
      seen.add(d.id);
      const policy = d.metadata.snapshot_policy;
      const anchor = Date.parse(d.policy_set_at);
      const known = plans.get(d.id);
      if (known && known.policy === policy && known.anchor === anchor) known.dashboard = d;
      else plans.set(d.id, { dashboard: d, policy, anchor, cursor: startCursor(anchor, at) });
    }
    for (const id of plans.keys()) if (!seen.has(id)) plans.delete(id);
  }

  /** Takes this dashboard's due instants in order, one at a time. */
  async function catchUp(plan: Plan): Promise<number> {
    let taken = 0;
    for (;;) {
      const at = now();
      const floor = at.getTime() - MAX_LATENESS_MS;
      if (plan.cursor.getTime() < floor) plan.cursor = new Date(floor);
      const instant = nextDue(plan.policy, plan.cursor);
      if (!instant || instant > at) return taken;
      plan.cursor = instant;
      const d = plan.dashboard;
      if (!d.source_url) {
        options.logger.debug({ dashboard_id: d.id }, "scheduled dashboard has no source_url");
        continue;
      }
      try {
        if (await snapshot(d, instant)) taken++;
      } catch (err) {
        options.logger.error({ err, dashboard_id: d.id }, "scheduled snapshot failed");
      }
    }
  }

  /** Starts a chain for each due dashboard that has none, up to the concurrency bound. */
  function dispatch(): Promise<number>[] {
    const at = now();
    const chains: Promise<number>[] = [];
    for (const plan of plans.values()) {
      if (active.size >= concurrency) break;
      if (active.has(plan.dashboard.id)) continue;
      const next = nextDue(plan.policy, plan.cursor);
      if (next === null || next > at) continue;
      const chain = catchUp(plan).finally(() => {
        active.delete(plan.dashboard.id);
        if (started) dispatch();
        arm();
      });
      active.set(plan.dashboard.id, chain);
      chains.push(chain);
    }
    return chains;
  }

  function arm() {
    if (!started) return;
    if (timer !== null) timers.clear(timer);
    const at = now().getTime();
    let wake = lastRefresh + refreshMs;
    // When every lane is busy, the next chain to finish dispatches again.
    if (active.size < concurrency) for (const p of plans.values()) {
      if (active.has(p.dashboard.id)) continue;
      const next = nextDue(p.policy, p.cursor);
      if (next) wake = Math.min(wake, next.getTime());
    }
    timer = timers.set(() => {
      timer = null;
      if (now().getTime() >= lastRefresh + refreshMs) void tick().catch((err: unknown) => options.logger.error({ err }, "scheduler pass failed"));
      else {
        dispatch();
        arm();
      }
    }, Math.max(0, wake - at));
  }

  /** One refresh at a time; the timer is set again as soon as the due chains are started. */
  function tick(): Promise<number> {
    if (refreshing) return refreshing.then(() => 0);
    const read = refresh(now());
    const done: Promise<void> = read.then(
      () => undefined,
      () => undefined,
    );
    refreshing = done;
    void done.then(() => {
      if (refreshing === done) refreshing = null;
    });
    return read.then(
      async () => {
        const chains = dispatch();
        arm();
        return (await Promise.all(chains)).reduce((a, b) => a + b, 0);
      },
      (err: unknown) => {
        arm();
        throw err;
      },
    );
  }

  return {
    tick,
    start() {
      if (started) return;
      started = true;
      void tick().catch((err: unknown) => options.logger.error({ err }, "scheduler pass failed"));
    },
    stop() {
      started = false;
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
    async settled() {
      while (refreshing || active.size > 0) await Promise.allSettled([refreshing, ...active.values()]);
    },
  };
}
