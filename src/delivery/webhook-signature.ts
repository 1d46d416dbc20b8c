// Standard Webhooks signing: v1 = base64 HMAC-SHA256 over "id.timestamp.body", keyed with the whsec_ secret's bytes.
import { createHmac } from "node:crypto";

const PREFIX = "whsec_";

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/**
 * One `v1,` signature per secret, space-separated in the order given (Standard Webhooks lets a receiver
 * accept any of them), so during a rotation's overlap receivers holding the old or the new secret verify.
 * Throws on a secret that is not whsec_ + base64: the hub made every secret, so another one is a bug.
 */
export function signWebhook(secrets: string | readonly string[], id: string, at: Date, body: string): SignedHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signatures = (typeof secrets === "string" ? [secrets] : secrets).map((secret) => {
    if (!secret.startsWith(PREFIX)) throw new Error("webhook secret must start with whsec_");
    const key = Buffer.from(secret.slice(PREFIX.length), "base64");
    if (key.length === 0) throw new Error("webhook secret has no key bytes");
    return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
  });
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signatures.join(" ") };
}
