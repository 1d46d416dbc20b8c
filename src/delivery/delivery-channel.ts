// The DeliveryChannel port: one attempt to hand an alert to the outside world. Webhook and email implement it.
import type { HubEvent } from "../protocol/event.js";
import type { AlertData } from "./alert-data.js";

export type ChannelKind = "webhook" | "email";

/** Everything one attempt needs, loaded by the queue so a channel does no database work. */
export interface DeliveryJob {
  /** The deliveries row. */
  id: string;
  channel: ChannelKind;
  /** "fallback": a persona did not ack in time, so the alert goes to the subscription's fallback target. */
  reason: "direct" | "fallback";
  /** URL or email address. */
  target: string;
  /** 0 for the first attempt. */
  attempt: number;
  /** Signs webhooks: the subscription's secret, or its fallback_secret for fallback rows; null for email. */
  secret: string | null;
  /** The secret before a rotation, while its overlap lasts: the webhook then carries both signatures, new first. */
  previousSecret?: string | null;
  dashboard: { id: string; name: string | null; topN: number };
  /** The alert.matched or alert.resolved event from the log, exactly as clients see it. */
  event: HubEvent;
  alert: AlertData;
}

/**
 * Expected failures are values: `retryable: false` stops the schedule at once (an unsafe URL, a 5xx SMTP reply).
 * `statusCode` is the HTTP status or SMTP reply code when the other side answered; `durationMs` is filled in by
 * the worker, which times every send the same way.
 */
export type DeliveryResult =
  | { ok: true; statusCode?: number | null; durationMs?: number }
  | { ok: false; retryable: boolean; error: string; statusCode?: number | null; durationMs?: number };

export interface DeliveryChannel {
  /** Never rejects: every failure comes back as a DeliveryResult. */
  send(job: DeliveryJob): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

export const delivered = (statusCode: number | null = null): DeliveryResult => ({ ok: true, statusCode });
export const failure = (error: string, retryable: boolean, statusCode: number | null = null): DeliveryResult => ({ ok: false, retryable, error, statusCode });

/** Standard Webhooks message id: stable across retries so receivers can deduplicate. */
export const webhookId = (event: Pick<HubEvent, "dashboard_id" | "seq">): string => `${event.dashboard_id}:${event.seq}`;
