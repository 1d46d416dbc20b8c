// fast-check generators of subscriber targets: webhook URLs whose path holds a secret, and email addresses.
import fc from "fast-check";

/** `secret` starts with a capital, which a URL's (lower-cased) origin never holds. */
export const webhookUrlArb = fc
  .record({
    host: fc.domain(),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    path: fc.webPath(),
    query: fc.webQueryParameters(),
    secret: fc.stringMatching(/^[A-Z][A-Za-z0-9]{11,40}$/),
  })
  .map(({ host, port, path, query, secret }) => ({
    url: `https://${host}${port ? `:${port}` : ""}${path}/${secret}${query ? `?${query}` : ""}`,
    host,
    secret,
  }));

/** Local parts of 4 characters or more, so that the redacted form visibly hides most of it. */
export const emailArb = fc.emailAddress().filter((e) => e.slice(0, e.lastIndexOf("@")).length >= 4);

export const localPart = (address: string) => address.slice(0, address.lastIndexOf("@"));
