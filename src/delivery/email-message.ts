// The alert email: the subject names the dashboard, the body says what changed (or that the alert resolved)
// and names the snapshots.
import type { DeliveryJob } from "./delivery-channel.js";
import { describeDiff } from "./describe-diff.js";

export interface EmailMessage {
  subject: string;
  text: string;
}

const SUBJECT_MAX = 160;

type MessageJob = Pick<DeliveryJob, "dashboard" | "event" | "alert" | "reason">;

export function emailMessage(job: MessageJob): EmailMessage {
  return job.alert.kind === "resolved" ? resolvedMessage(job) : matchedMessage(job);
}

function matchedMessage(job: MessageJob): EmailMessage {
  const { dashboard, alert } = job;
  const lines = describeDiff(alert.diff, dashboard.topN);
  const more = lines.length - 1;
  const headline = more === 0 ? lines[0]! : `${lines[0]!} (+${more} more ${more === 1 ? "change" : "changes"})`;
  const text = [
    `Dashboard ${title(job)} changed.`,
    "",
    ...lines.map((l) => `- ${l}`),
    "",
    `Previous snapshot: ${alert.compared_snapshot_id ?? "none"}`,
    `New snapshot: ${alert.snapshot_id}`,
    ...footer(job),
  ];
  return { subject: subject(job, headline), text: text.join("\n") };
}

function resolvedMessage(job: MessageJob): EmailMessage {
  const { alert } = job;
  const fired = alert.fired_seq === null ? "" : ` (the alert of event ${alert.fired_seq})`;
  const text = [`Dashboard ${title(job)}: the alert${fired} is resolved.`, "", `Snapshot that resolved it: ${alert.snapshot_id}`, ...footer(job)];
  return { subject: subject(job, `resolved${fired}`), text: text.join("\n") };
}

const title = ({ dashboard }: MessageJob) => (dashboard.name ? `${dashboard.name} (${dashboard.id})` : dashboard.id);
const subject = ({ dashboard }: MessageJob, headline: string) => clip(`[Dashwatch] ${dashboard.name ?? dashboard.id}: ${headline}`, SUBJECT_MAX);

function footer({ dashboard, event, alert, reason }: MessageJob): string[] {
  return [
    `Alert: event ${event.seq} of ${dashboard.id} at ${event.at}, subscription ${alert.subscription_id}.`,
    ...(reason === "fallback" ? ["", "You get this email because no session acknowledged the alert within the subscription's fallback delay."] : []),
    "",
  ];
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
