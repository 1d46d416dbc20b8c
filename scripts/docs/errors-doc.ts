// docs/errors.md: every problem slug, its status and title, from src/http/problem.ts.
import { HttpProblem, PROBLEM_STATUS, PROBLEM_TYPE_BASE, type ProblemSlug } from "../../src/http/problem.js";
import { code, GENERATED, page, table } from "./markdown.js";

const WHEN: Record<ProblemSlug, string> = {
  "malformed-json": "the body does not parse as JSON",
  unauthorized: "no bearer token, or one that is invalid or expired (answered with `WWW-Authenticate: Bearer`)",
  forbidden: "the token's roles do not allow it (posting without `publisher`/`admin`, another persona's subscription, `?persona=` of someone else, PATCH of another owner's dashboard)",
  "not-found": "no such dashboard, snapshot, subscription (or one the caller may not see), or no such route",
  conflict: "the dashboard id exists; a `top_n` lowered below a rule's; an `Idempotency-Key` whose first request is still in flight; a retry of a delivery that has not failed",
  "quota-exceeded": "one more subscription than `MAX_SUBSCRIPTIONS_PER_DASHBOARD` or `MAX_SUBSCRIPTIONS_PER_OWNER`",
  gone: "a snapshot whose rows retention has deleted (`SNAPSHOT_RETENTION_DAYS`)",
  "payload-too-large": "a body over `MAX_BODY_BYTES` (refused before it is read when announced), or over `MAX_ROWS` rows",
  validation: "a member, query parameter or header that is missing or wrong, and JSON the hub cannot store (a number out of range such as `1e400`, a string with a NUL or a lone surrogate, nesting deeper than 32): `errors` names each with a JSON Pointer",
  "idempotency-key-reused": "an `Idempotency-Key` seen before with another body",
  "unsafe-url": "a webhook, fallback or source URL that is not `https`, or resolves to a private or loopback address (unless `WEBHOOK_ALLOW_PRIVATE`)",
  "rate-limited": "over `RATE_LIMIT_PER_MIN` writes of one `sub` in a minute (`Retry-After` says when)",
  internal: "a bug: the hub failed to handle the request (logged with its request id); bad input never gets this",
  unavailable: "the database could not take the request now, and retrying is safe: it was refused before any statement ran (unreachable, out of connections, starting up), or it was a read whose connection broke (`Retry-After: 1`; logged as a warning). A write whose connection broke mid-way may have been applied: that is a 500 saying so (a snapshot retried with its `Idempotency-Key` is applied once)",
};

export function errorsDoc(): string {
  const slugs = Object.keys(PROBLEM_STATUS) as ProblemSlug[];
  const rows = slugs.map((slug) => {
    const problem = new HttpProblem(slug, "").toJSON();
    return [code(slug), String(problem.status), problem.title, WHEN[slug]];
  });
  return page([
    GENERATED(["src/http/problem.ts"]),
    "# HTTP errors",
    `Every error is RFC 9457 \`application/problem+json\`: \`{type, title, status, detail}\`, \`type\` being \`${PROBLEM_TYPE_BASE}<slug>\` with a stable slug. \`validation\` adds \`errors: [{pointer, detail}]\`, each \`pointer\` a JSON Pointer into the body (\`/rows/3/id\`, \`/threshold_json/and/1/value_delta_pct\`), \`/query/<name>\` for a query parameter or \`/headers/<name>\` for a header. Bad input changes nothing and never gets a 5xx. Every answer carries \`x-request-id\` (the request's own, up to 64 characters, or a new one), which the hub's log lines name too.`,
    table(["slug", "status", "title", "when"], rows),
    "WebSocket refusals are `error` frames and close codes instead: see [protocol.md](protocol.md).",
  ]);
}
