// What of a webhook URL or an email address an event may carry: events are read by every token that may read
// the dashboard, while the full target is for the subscription's owner and admins (the subscriptions API).
// Each function is idempotent, so redacting a redacted value changes nothing; drizzle/0003 does the same in SQL.

/**
 * A URL's origin: the path and query are what make Slack-style webhook URLs work as passwords. A value that
 * is not a URL (the hub never stores one) keeps nothing.
 */
export function redactUrl(url: string): string {
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? "***" : origin;
  } catch {
    return "***";
  }
}

/** First character, `***`, then the domain: `a***@example.com`. */
export function redactEmail(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "***";
  const first = String.fromCodePoint(address.codePointAt(0)!);
  return `${first}***${address.slice(at)}`;
}

/** The `subscriber_id` an event carries: persona ids are names the hub routes by and stay as they are. */
export function redactSubscriber(kind: string, subscriberId: string): string {
  switch (kind) {
    case "webhook":
      return redactUrl(subscriberId);
    case "email":
      return redactEmail(subscriberId);
    default:
      return subscriberId;
  }
}

export interface FallbackTargets {
  after_ms?: number;
  webhook_url?: string;
  email?: string;
}

export function redactFallback<F extends FallbackTargets>(fallback: F): F {
  return {
    ...fallback,
    ...(fallback.webhook_url !== undefined ? { webhook_url: redactUrl(fallback.webhook_url) } : {}),
    ...(fallback.email !== undefined ? { email: redactEmail(fallback.email) } : {}),
  };
}

/** A subscription as an event's data shows it (`subscription.created`, `subscription.updated`). */
export function redactSubscription<S extends { subscriber_kind: string; subscriber_id: string; fallback: FallbackTargets | null }>(s: S): S {
  return { ...s, subscriber_id: redactSubscriber(s.subscriber_kind, s.subscriber_id), fallback: s.fallback && redactFallback(s.fallback) };
}
