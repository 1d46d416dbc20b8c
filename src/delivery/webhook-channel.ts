// Webhook deliveries: Standard Webhooks headers, the contract's body, only a 2xx counts, redirects are failures.
import { resolvePublicAddress } from "./url-safety.js";
import { webhookBody } from "./alert-data.js";
import { delivered, failure, webhookId, type DeliveryChannel, type DeliveryJob, type DeliveryResult } from "./delivery-channel.js";
import { pinnedPost } from "./pinned-post.js";
import { signWebhook, type SignedHeaders } from "./webhook-signature.js";
import { within } from "./within.js";

export interface WebhookChannelOptions {
  /** WEBHOOK_ALLOW_PRIVATE: allow http and private or loopback addresses. */
  allowPrivate: boolean;
  /** WEBHOOK_TIMEOUT_MS: bounds the name lookup and, separately, the wait for the status line. */
  timeoutMs: number;
  /** Clock for webhook-timestamp; receivers compare it with theirs, so it is wall time by default. */
  now?: () => Date;
}

const USER_AGENT = "Dashwatch-Webhooks/1";

export function createWebhookChannel(options: WebhookChannelOptions): DeliveryChannel {
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 1) throw new Error("webhook timeoutMs must be a positive integer");
  const now = options.now ?? (() => new Date());
  const { allowPrivate, timeoutMs } = options;

  async function check(target: string): Promise<{ url: URL; address: string } | DeliveryResult> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return failure("unsafe-url: is not a URL", false);
    }
    try {
      const checked = await within(resolvePublicAddress(url, allowPrivate), timeoutMs, () => "timeout" as const);
      if (checked === "timeout") return failure(`timeout: resolving ${url.hostname} took over ${timeoutMs} ms`, true);
      if (!checked.ok) return failure(`unsafe-url: ${checked.reason}`, false);
      return { url, address: checked.address ?? url.hostname };
    } catch (err) {
      // A name that does not resolve now may resolve later (DNS outage, record being created).
      return failure(`cannot resolve ${url.hostname}: ${(err as Error).message}`, true);
    }
  }

  return {
    async send(job: DeliveryJob): Promise<DeliveryResult> {
      if (job.secret === null) return failure("the subscription has no signing secret", false);
      const target = await check(job.target);
      if ("ok" in target) return target;
      const body = webhookBody(job);
      let signed: SignedHeaders;
      try {
        const secrets = job.previousSecret ? [job.secret, job.previousSecret] : [job.secret];
        signed = signWebhook(secrets, webhookId(job.event), now(), body);
      } catch (err) {
        return failure(`cannot sign: ${(err as Error).message}`, false);
      }
      const outcome = await pinnedPost({
        url: target.url,
        address: target.address,
        headers: { ...signed, "content-type": "application/json", "user-agent": USER_AGENT },
        body,
        timeoutMs,
      });
      switch (outcome.kind) {
        case "response": {
          const { status, statusText } = outcome;
          if (status >= 200 && status < 300) return delivered(status);
          const note = status >= 300 && status < 400 ? ": redirects are not followed" : statusText ? ` ${statusText}` : "";
          return failure(`HTTP ${status}${note}`, true, status);
        }
        case "timeout":
          return failure(`timeout: no response within ${timeoutMs} ms`, true);
        case "error":
          return failure(outcome.message, true);
        default:
          return outcome satisfies never;
      }
    },
  };
}
