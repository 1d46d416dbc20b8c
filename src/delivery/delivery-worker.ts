// Polls the outbox and hands due jobs to their channels: a bounded number of sends at once, and at most
// `perTarget` of them to one target, so a slow endpoint cannot hold every slot (fair-lanes.ts). Claims fill
// the slots as they free up, passing over busy targets. kick() wakes it right after an ingest commits, so the
// poll interval only matters for retries.
import type { Registry } from "prom-client";
import type { Config } from "../config.js";
import type { LogEntry } from "../protocol/event.js";
import type { DeliveryStore } from "../store/delivery-store.js";
import { failure, type ChannelKind, type DeliveryChannel, type DeliveryResult } from "./delivery-channel.js";
import { createDeliveryMetrics } from "./delivery-metrics.js";
import { createDeliveryQueue, type DeliveryQueue, type LeasedJob } from "./delivery-queue.js";
import { createEmailChannel } from "./email-channel.js";
import { createLanes } from "./fair-lanes.js";
import { scheduleProblems } from "./retry-schedule.js";
import { createWebhookChannel } from "./webhook-channel.js";
import { exponentialCeiling } from "../backoff.js";
import { within } from "../timeout.js";

export type DeliveryConfig = Pick<Config, "deliveryRetryScheduleMs" | "webhookTimeoutMs" | "webhookAllowPrivate" | "smtpUrl" | "smtpFrom"> &
  Partial<Pick<Config, "deliveryMaxPerTarget" | "webhookDisableAfterMs">>;

export interface DeliveryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The outbox is reached through its port only: src/delivery imports no drizzle. */
export type DeliveryWorkerOptions = DeliveryWorkerParts & { store: DeliveryStore };

export interface DeliveryWorkerParts {
  config: DeliveryConfig;
  logger: DeliveryLogger;
  /** Defaults to webhook, plus email when config.smtpUrl is set. A missing channel leaves its jobs pending. */
  channels?: Partial<Record<ChannelKind, DeliveryChannel>>;
  now?: () => Date;
  /** Where to register the delivery metrics; none when absent. */
  metrics?: Registry;
  /** Idle poll interval (default 500 ms). */
  pollMs?: number;
  /** Sends in flight at once (default 8). */
  concurrency?: number;
  /** Jobs claimed per round (default 32). */
  batchSize?: number;
  /** Sends in flight to one target URL at once (default config.deliveryMaxPerTarget, else 2). */
  perTarget?: number;
  /** Default: long enough for a full batch of sends that all run into their deadline. */
  leaseMs?: number;
  /** Gets the events the worker appends (subscription.disabled) once committed; the hub publishes them. */
  onAppended?: (entries: LogEntry[]) => void;
}

export interface DeliveryWorker {
  start(): void;
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>;
  /** One round: claim due jobs, send them, record the results. Returns how many rows it settled or attempted. */
  runOnce(): Promise<number>;
  /** Run a round now (after an ingest commit) instead of at the next poll. */
  kick(): void;
}

const MAX_BACKOFF_MS = 30_000;
// Margin on top of the channel's own timeouts before the worker gives up waiting on a send.
const SEND_SLACK_MS = 5_000;

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { config, logger } = options;
  const pollMs = options.pollMs ?? 500;
  const concurrency = options.concurrency ?? 8;
  const batchSize = options.batchSize ?? 32;
  const perTarget = options.perTarget ?? config.deliveryMaxPerTarget ?? 2;
  // A webhook may spend its timeout on the name lookup and again on the request.
  const sendDeadlineMs = 2 * config.webhookTimeoutMs + SEND_SLACK_MS;
  const leaseMs = options.leaseMs ?? Math.ceil(batchSize / concurrency) * sendDeadlineMs + 30_000;
  const problems = [
    ...scheduleProblems(config.deliveryRetryScheduleMs),
    ...positive({ pollMs, concurrency, batchSize, leaseMs, perTarget }),
    ...(leaseMs > sendDeadlineMs ? [] : [`leaseMs must exceed the send deadline (${sendDeadlineMs} ms)`]),
  ];
  if (problems.length > 0) throw new Error(`delivery worker: ${problems.join("; ")}`);

  const owned = options.channels === undefined;
  const channels = options.channels ?? channelsFromConfig(config);
  const kinds = (Object.keys(channels) as ChannelKind[]).filter((k) => channels[k] !== undefined);
  const metrics = options.metrics ? createDeliveryMetrics(options.metrics) : null;
  const queue: DeliveryQueue = createDeliveryQueue(options.store, {
    schedule: config.deliveryRetryScheduleMs,
    leaseMs,
    disableAfterMs: config.webhookDisableAfterMs ?? 0,
    onAppended: (entries) => {
      metrics?.disabled.inc(entries.length);
      options.onAppended?.(entries);
    },
    ...(options.now ? { now: options.now } : {}),
  });

  async function attempt(leased: LeasedJob): Promise<void> {
    const { job } = leased;
    const started = performance.now();
    const result = await sendWithin(channels[job.channel]!, leased, sendDeadlineMs);
    const durationMs = performance.now() - started;
    metrics?.sendSeconds.observe({ channel: job.channel }, durationMs / 1000);
    const outcome = await queue.record(leased, { ...result, durationMs });
    metrics?.attempts.inc({ channel: job.channel, outcome });
    if (outcome === "delivered" || outcome === "failed") metrics?.deliveries.inc({ status: outcome });
    const fields = { delivery: job.id, channel: job.channel, reason: job.reason, alert: `${job.event.dashboard_id}:${job.event.seq}`, attempt: job.attempt };
    if (outcome === "lease-lost") logger.warn(fields, "delivery outlived its lease; another node owns it now");
    else if (!result.ok) logger.warn({ ...fields, error: result.error, outcome }, "delivery attempt failed");
  }

  const now = options.now ?? (() => new Date());
  let moreDue = false;
  const lanes = createLanes<LeasedJob>({
    concurrency,
    perTarget,
    targetOf: (l) => l.job.target,
    run: (l) =>
      attempt(l).catch((err: unknown) => {
        logger.error({ err, delivery: l.job.id }, "delivery attempt could not be recorded");
        throw err;
      }),
    // A job queued behind its target's bound starts only with time left on its lease for a whole send.
    mayStart: (l) => l.leaseUntil.getTime() - now().getTime() > sendDeadlineMs,
    // A freed slot claims again at once only when the outbox may hold more: the last claim came back full or
    // passed over busy targets. Otherwise new work arrives by kick() or the next poll.
    onIdleSlot: () => {
      if (moreDue && started && !stopped && !round) wake(0);
    },
  });

  /** Claims what the free slots can take, passing over targets at their bound; returns rows claimed or settled. */
  async function claimInto(limit: number): Promise<number> {
    if (limit < 1) return 0;
    const skip = lanes.saturatedTargets();
    const { jobs, settled, cancelled } = await queue.claim(limit, kinds, skip);
    moreDue = jobs.length + settled >= limit || skip.length > 0;
    if (settled > 0) {
      metrics?.settled.inc(settled);
      metrics?.deliveries.inc({ status: "cancelled" }, cancelled);
      metrics?.deliveries.inc({ status: "failed" }, settled - cancelled);
    }
    lanes.add(jobs);
    return jobs.length + settled;
  }

  async function runOnce(): Promise<number> {
    const handled = await claimInto(batchSize);
    // Every send finishes before the round ends, so stop() never leaves one behind; then the first error counts.
    await lanes.drained();
    return handled;
  }

  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | null = null;
  let again = false;
  let failures = 0;

  const wake = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void loop(), delay);
    // The hub's server keeps the process alive; a forgotten worker must not.
    timer.unref();
  };

  async function loop(): Promise<void> {
    if (round) {
      again = true;
      return;
    }
    round = (async () => {
      let limit: number;
      let handled: number;
      do {
        again = false;
        limit = Math.min(batchSize, lanes.freeSlots);
        handled = await claimInto(limit);
      } while (!stopped && limit > 0 && (handled >= limit || again));
    })();
    try {
      await round;
      failures = 0;
      wake(pollMs);
    } catch (err) {
      failures += 1;
      const backoff = exponentialCeiling(failures, pollMs, MAX_BACKOFF_MS);
      logger.error({ err, retryInMs: backoff }, "delivery round failed");
      wake(backoff);
    } finally {
      round = null;
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      logger.info({ channels: kinds, concurrency, perTarget, batchSize, pollMs }, "delivery worker started");
      wake(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round?.catch(() => {});
      await lanes.drained().catch(() => {});
      if (owned) await Promise.all(kinds.map((k) => channels[k]?.close?.()));
    },
    runOnce,
    kick() {
      if (!started || stopped) return;
      if (round) again = true;
      else wake(0);
    },
  };
}

export function channelsFromConfig(config: DeliveryConfig): Partial<Record<ChannelKind, DeliveryChannel>> {
  const webhook = createWebhookChannel({ allowPrivate: config.webhookAllowPrivate, timeoutMs: config.webhookTimeoutMs });
  if (!config.smtpUrl) return { webhook };
  return { webhook, email: createEmailChannel({ smtpUrl: config.smtpUrl, from: config.smtpFrom, timeoutMs: config.webhookTimeoutMs }) };
}

/** A send that throws is a bug in a channel; a send that hangs past its own timeouts is treated as a timeout. */
async function sendWithin(channel: DeliveryChannel, { job }: LeasedJob, ms: number): Promise<DeliveryResult> {
  try {
    return await within(channel.send(job), ms, () => failure(`timeout: the ${job.channel} send took over ${ms} ms`, true));
  } catch (err) {
    return failure(`channel error: ${(err as Error).message}`, true);
  }
}

function positive(values: Record<string, number>): string[] {
  return Object.entries(values).flatMap(([name, v]) => (Number.isInteger(v) && v >= 1 ? [] : [`${name} must be a positive integer`]));
}
