// Takes snapshots of dashboards whose metadata.snapshot_policy is "hourly" or a cron pattern, from their
// source_url. Several nodes may run it: each due instant is claimed once through the idempotency keys.
import type { Logger } from "pino";
import { sha256 } from "../http/content-hash.js";
import type { LogEntry } from "../protocol/event.js";
import type { Store } from "../store/store.js";
import { nextDue } from "./due-times.js";
import { fetchSource, type SourceOptions } from "./fetch-source.js";

export const SCHEDULER_ACTOR = "system:scheduler";

export interface SchedulerOptions {
  store: Store;
  publish: (entries: LogEntry[]) => void;
  logger: Logger;
  source: SourceOptions;
  now?: () => Date;
  tickMs?: number;
}

export interface Scheduler {
  /** One pass: snapshots every dashboard whose due instant has passed; returns how many it took. */
  tick(): Promise<number>;
  start(): void;
  stop(): void;
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const now = o.now ?? (() => new Date());
  // dashboard id → the policy and instant it is next due; learnt on first sight, so a new node does not
  // replay instants from before it started.
  const due = new Map<string, { policy: unknown; at: Date }>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function snapshot(dashboardId: string, idField: string, sourceUrl: string, slot: Date): Promise<boolean> {
    const key = `scheduler:${slot.toISOString()}`;
    const claim = await o.store.claimIdempotencyKey(dashboardId, key, sha256(key));
    if (claim.state !== "claimed") return false;
    const source = await fetchSource(sourceUrl, idField, o.source);
    if (!source.ok) {
      o.logger.warn({ dashboard_id: dashboardId, error: source.error }, "scheduled snapshot skipped");
      await o.store.completeIdempotencyKey(dashboardId, key, 502, { error: source.error });
      return false;
    }
    const result = await o.store.ingestSnapshot({
      dashboardId,
      rows: source.body.rows,
      primaryMetric: source.body.primary_metric,
      takenAt: null,
      actor: SCHEDULER_ACTOR,
      // Completed inside the ingest transaction, as for the HTTP route: a node that dies right after
      // the commit cannot leave the instant open for another node to snapshot again.
      idempotencyKey: key,
    });
    if (!result.ok) {
      await o.store.releaseIdempotencyKey(dashboardId, key);
      return false;
    }
    o.publish(result.value.entries);
    return true;
  }

  async function pass(): Promise<number> {
    const current = now();
    let taken = 0;
    const dashboards = await o.store.listScheduledDashboards();
    const seen = new Set<string>();
    for (const d of dashboards) {
      seen.add(d.id);
      const policy = d.metadata.snapshot_policy;
      const known = due.get(d.id);
      if (!known || known.policy !== policy) {
        const at = nextDue(policy, current);
        if (at) due.set(d.id, { policy, at });
        continue;
      }
      if (known.at > current) continue;
      due.set(d.id, { policy, at: nextDue(policy, current) ?? known.at });
      if (!d.source_url) {
        o.logger.debug({ dashboard_id: d.id }, "scheduled dashboard has no source_url");
        continue;
      }
      try {
        if (await snapshot(d.id, d.id_field, d.source_url, known.at)) taken++;
      } catch (err) {
        o.logger.error({ err, dashboard_id: d.id }, "scheduled snapshot failed");
      }
    }
    for (const id of due.keys()) if (!seen.has(id)) due.delete(id);
    return taken;
  }

  return {
    tick: () => (running ??= pass().finally(() => (running = null))),
    start() {
      if (timer) return;
      timer = setInterval(() => void this.tick().catch((err: unknown) => o.logger.error({ err }, "scheduler pass failed")), o.tickMs ?? 15_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
