// Email deliveries over SMTP_URL with nodemailer. A 5xx reply is permanent; anything else may pass on a retry.
import { createTransport } from "nodemailer";
import { delivered, failure, type DeliveryChannel, type DeliveryJob, type DeliveryResult } from "./delivery-channel.js";
import { emailMessage } from "./email-message.js";

export interface EmailChannelOptions {
  /** SMTP_URL, e.g. smtp://user:pass@mail.example.com:587 or smtps://... */
  smtpUrl: string;
  /** SMTP_FROM */
  from: string;
  /** Bounds connecting, the greeting and each idle socket wait. */
  timeoutMs: number;
}

export function createEmailChannel(options: EmailChannelOptions): DeliveryChannel {
  const problems = [
    /^smtps?:\/\//.test(options.smtpUrl) ? null : "smtpUrl must be an smtp: or smtps: URL",
    options.from.length > 0 ? null : "from must not be empty",
    Number.isInteger(options.timeoutMs) && options.timeoutMs > 0 ? null : "timeoutMs must be a positive integer",
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) throw new Error(`email channel: ${problems.join("; ")}`);

  const { timeoutMs, from } = options;
  const transport = createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "dashwatch.invalid";

  return {
    async send(job: DeliveryJob): Promise<DeliveryResult> {
      const { subject, text } = emailMessage(job);
      try {
        const info = (await transport.sendMail({
          from,
          to: job.target,
          subject,
          text,
          // The same id on every retry, like webhook-id, so mail clients can drop a duplicate.
          messageId: `<${job.event.dashboard_id}.${job.event.seq}.alert@${domain}>`,
          headers: { "X-Dashwatch-Alert": `${job.event.dashboard_id}:${job.event.seq}` },
        })) as { response?: unknown };
        return delivered(replyCode(info.response));
      } catch (err) {
        return classify(err);
      }
    },
    async close() {
      transport.close();
    },
  };
}

function classify(err: unknown): DeliveryResult {
  const e = err as { message?: unknown; responseCode?: unknown };
  const message = typeof e.message === "string" ? e.message : String(err);
  const code = typeof e.responseCode === "number" ? e.responseCode : null;
  return failure(message, code === null || code < 500 || code >= 600, code);
}

/** The code of the server's final reply ("250 2.0.0 Ok: queued"), or null when there is none to read. */
function replyCode(response: unknown): number | null {
  const m = typeof response === "string" ? /^(\d{3})\b/.exec(response) : null;
  return m ? Number(m[1]) : null;
}
