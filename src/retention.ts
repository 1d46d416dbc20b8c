// Retention of everything (CONTRACT, version 2): every node runs a pass at start and hourly; the store's
// advisory lock lets one node at a time do the work, in bounded batches. Clients resuming from a pruned
// seq get a `retention` gap; a snapshot whose rows are gone answers 410.
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import { IDEMPOTENCY_TTL_MS } from "./store/idempotency.js";
import type { PruneCounts, PruneKind, RetentionCutoffs } from "./store/retention-batches.js";
import type { Store } from "./store/store.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const FINISHED_DELIVERY_RETENTION_DAYS = 30;

export interface RetentionOptions {
  store: Store;
  /** EVENT_RETENTION_DAYS and SNAPSHOT_RETENTION_DAYS; null keeps forever. */
  eventRetentionDays: number | null;
  snapshotRetentionDays: number | null;
  logger: Pick<Logger, "info" | "error">;
  /** Where to register the retention metrics; none when absent. */
  metrics?: Registry;
  now?: () => Date;
  /** Between passes (default one hour). */
  intervalMs?: number;
  /** Rows per statement (default 1000). */
  batchSize?: number;
  betweenBatches?: (kind: PruneKind) => Promise<void>;
}

export interface Retention {
  /** A pass now and then every interval. */
  start(): void;
  /** One pass now; "busy" when another node's pass holds the lock. */
  runOnce(): Promise<PruneCounts | "busy">;
  stop(): void;
}

export function retentionCutoffs(now: Date, eventDays: number | null, snapshotDays: number | null): RetentionCutoffs {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  return {
    eventsBefore: eventDays === null ? null : ago(eventDays * DAY_MS),
    snapshotRowsBefore: snapshotDays === null ? null : ago(snapshotDays * DAY_MS),
    deliveriesBefore: ago(FINISHED_DELIVERY_RETENTION_DAYS * DAY_MS),
    idempotencyKeysBefore: ago(IDEMPOTENCY_TTL_MS),
  };
}

export function createRetention(options: RetentionOptions): Retention {
  const { store, logger } = options;
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("retention: batchSize must be an integer ≥ 1");
  const registers = options.metrics ? [options.metrics] : [];
  const pruned = new Counter({ name: "dashwatch_retention_pruned_total", help: "Rows pruned by retention, by kind", labelNames: ["kind"], registers });
  const passes = new Counter({ name: "dashwatch_retention_passes_total", help: "Retention passes by outcome", labelNames: ["outcome"], registers });
  let timer: NodeJS.Timeout | null = null;

  const runOnce = async (): Promise<PruneCounts | "busy"> => {
    const cutoffs = retentionCutoffs(now(), options.eventRetentionDays, options.snapshotRetentionDays);
    const pass = await store.prune(cutoffs, { batchSize, betweenBatches: options.betweenBatches });
    passes.inc({ outcome: pass.ok ? "done" : "busy" });
    if (!pass.ok) return "busy";
    const counts = pass.value;
    for (const [kind, n] of Object.entries(counts) as [PruneKind, number][]) if (n > 0) pruned.inc({ kind }, n);
    if (Object.values(counts).some((n) => n > 0)) logger.info({ pruned: counts }, "retention pass");
    return counts;
  };

  const tick = () =>
    void runOnce().catch((err: unknown) => {
      passes.inc({ outcome: "failed" });
      logger.error({ err }, "retention pass failed; will retry at the next one");
    });

  return {
    runOnce,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, options.intervalMs ?? HOUR_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
