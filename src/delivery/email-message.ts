// The alert email: the subject names the dashboard, the body says what changed and names both snapshots.
import type { DeliveryJob } from "./delivery-channel.js";
import { describeDiff } from "./describe-diff.js";

export interface EmailMessage {
  subject: string;
  text: string;
}

const SUBJECT_MAX = 160;

export function emailMessage(job: Pick<DeliveryJob, "dashboard" | "event" | "alert" | "reason">): EmailMessage {
  const { dashboard, event, alert } = job;
  const title = dashboard.name ? `${dashboard.name} (${dashboard.id})` : dashboard.id;
  const lines = describeDiff(alert.diff, dashboard.topN);
  const more = lines.length - 1;
  const headline = more === 0 ? lines[0]! : `${lines[0]!} (+${more} more ${more === 1 ? "change" : "changes"})`;
  const subject = clip(`[Dashwatch] ${dashboard.name ?? dashboard.id}: ${headline}`, SUBJECT_MAX);
  const text = [
    `Dashboard ${title} changed.`,
    "",
    ...lines.map((l) => `- ${l}`),
    "",
    `Previous snapshot: ${alert.previous_snapshot_id ?? "none"}`,
    `New snapshot: ${alert.snapshot_id}`,
    `Alert: event ${event.seq} of ${dashboard.id} at ${event.at}, subscription ${alert.subscription_id}.`,
    ...(job.reason === "fallback"
      ? ["", "You get this email because no session acknowledged the alert within the subscription's fallback delay."]
      : []),
    "",
  ].join("\n");
  return { subject, text };
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
