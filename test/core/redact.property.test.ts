import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactEmail, redactFallback, redactSubscriber, redactSubscription, redactUrl } from "../../src/core/redact.js";
import { emailArb, localPart, webhookUrlArb } from "../helpers/target-arbitraries.js";

describe("redaction of subscriber targets", () => {
  it("keeps only a webhook URL's origin", () => {
    fc.assert(
      fc.property(webhookUrlArb, ({ url, secret }) => {
        const redacted = redactUrl(url);
        expect(redacted).toBe(new URL(url).origin);
        expect(redacted).not.toContain(secret);
        expect(redacted.startsWith("https://")).toBe(true);
        expect(redactUrl(redacted)).toBe(redacted);
      }),
    );
  });

  it("keeps an email's first character and its domain", () => {
    fc.assert(
      fc.property(emailArb, (address) => {
        const local = localPart(address);
        const redacted = redactEmail(address);
        expect(redacted).toBe(`${local[0]}***${address.slice(local.length)}`);
        expect(localPart(redacted)).not.toContain(local);
        expect(redactEmail(redacted)).toBe(redacted);
      }),
    );
  });

  it.each([
    { given: "https://hooks.example.com/services/T0/B0/XYZ", want: "https://hooks.example.com" },
    { given: "https://Hooks.Example.COM:443/x?token=1", want: "https://hooks.example.com" },
    { given: "https://hooks.example.com:8443/x", want: "https://hooks.example.com:8443" },
    { given: "not a url", want: "***" },
  ])("redacts $given to $want", ({ given, want }) => {
    expect(redactUrl(given)).toBe(want);
  });

  it.each([
    { given: "alice@example.com", want: "a***@example.com" },
    { given: "é.x@exämple.com", want: "é***@exämple.com" },
    { given: "@example.com", want: "***" },
  ])("redacts $given to $want", ({ given, want }) => {
    expect(redactEmail(given)).toBe(want);
  });

  it("leaves persona ids as they are, whatever they look like", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), emailArb, webhookUrlArb.map((u) => u.url)), (id) => {
        expect(redactSubscriber("persona", id)).toBe(id);
      }),
    );
  });

  it("redacts both fallback targets and keeps the delay", () => {
    expect(redactFallback({ after_ms: 60_000, webhook_url: "https://h.example.com/a/b", email: "bob@example.org" })).toEqual({
      after_ms: 60_000,
      webhook_url: "https://h.example.com",
      email: "b***@example.org",
    });
    expect(redactFallback({ after_ms: 1000 })).toEqual({ after_ms: 1000 });
  });

  it("redacts a subscription's target and fallback, and nothing else", () => {
    fc.assert(
      fc.property(webhookUrlArb, emailArb, fc.string(), ({ url, secret }, email, persona) => {
        const hook = redactSubscription({ id: "s", subscriber_kind: "webhook", subscriber_id: url, fallback: null });
        expect(hook).toEqual({ id: "s", subscriber_kind: "webhook", subscriber_id: new URL(url).origin, fallback: null });
        const person = redactSubscription({ id: "p", subscriber_kind: "persona", subscriber_id: persona, fallback: { after_ms: 1000, webhook_url: url, email } });
        expect(person.subscriber_id).toBe(persona);
        expect(JSON.stringify(person.fallback)).not.toContain(secret);
        expect(person.fallback?.email).toBe(redactEmail(email));
        expect(localPart(person.fallback!.email!)).not.toContain(localPart(email));
      }),
    );
  });
});
