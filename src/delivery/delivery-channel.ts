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
  dashboard: { id: string; name: string | null; topN: number };
  /** The alert.matched event from the log, exactly as clients see it. */
  event: HubEvent;
  alert: AlertData;
}

/** Expected failures are values: `retryable: false` stops the schedule at once (an unsafe URL, a 5xx SMTP reply). */
export type DeliveryResult = { ok: true } | { ok: false; retryable: boolean; error: string };

export interface DeliveryChannel {
  /** Never rejects: every failure comes back as a DeliveryResult. */
  send(job: DeliveryJob): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

export const delivered: DeliveryResult = { ok: true };
export const failure = (error: string, retryable: boolean): DeliveryResult => ({ ok: false, retryable, error });

/** Standard Webhooks message id: stable across retries so receivers can deduplicate. */
export const webhookId = (event: Pick<HubEvent, "dashboard_id" | "seq">): string => `${event.dashboard_id}:${event.seq}`;
