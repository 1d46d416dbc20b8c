// docs/configuration.md: every variable src/config.ts reads, with the default its schema gives.
import { CONFIG_SCHEMA, DEFAULT_CLI_URL } from "../../src/config.js";
import { code, describe, GENERATED, page, table } from "./markdown.js";

// Keyed by variable; a variable in the schema without an entry here stops the generator.
const MEANINGS: Record<string, string> = {
  PORT: "where HTTP and `/ws` listen (0: any free port)",
  HOST: "the address HTTP and `/ws` listen on",
  DATABASE_URL: "PostgreSQL URL; unset: embedded PGlite under `DATA_DIR` (then a JWT secret is made there too)",
  DATA_DIR: "embedded mode's PGlite files and JWT secret (`jwt-secret`); kept private to the hub's user (folders 0700, files 0600)",
  REDIS_URL: "Redis for pub/sub between hub nodes; unset: in-process broker, single node",
  REDIS_CLUSTER_URLS: "comma-separated `redis://host:port` seeds of a Redis Cluster (≥ 7.0): sharded pub/sub; not with `REDIS_URL`",
  JWT_SECRET: "HS256 secret (≥ 32 characters); required with `DATABASE_URL` unless `JWT_JWKS_URL` is set",
  JWT_JWKS_URL: "a JWKS URL (RS/PS/ES/EdDSA keys) instead of a secret",
  JWT_ISSUER: "checked against `iss` when set",
  JWT_AUDIENCE: "checked against `aud` when set",
  SMTP_URL: "email delivery (`smtp:`/`smtps:`); unset: email deliveries stay queued, with one warning at start",
  SMTP_FROM: "the From of alert emails",
  WEBHOOK_ALLOW_PRIVATE: "`1`/`true` allows `http` and private/loopback webhook and source URLs",
  WEBHOOK_TIMEOUT_MS: "per webhook attempt and per scheduled source fetch",
  WEBHOOK_DISABLE_AFTER_MS: "a webhook endpoint whose deliveries have all failed this long is disabled (`subscription.disabled`); 0: never",
  DELIVERY_RETRY_SCHEDULE: "delay before each delivery attempt, ms, each counted from the previous failure (the first from the alert)",
  MAX_BODY_BYTES: "request body limit, chunked bodies included → 413",
  MAX_ROWS: "rows per snapshot → 413",
  SNAPSHOT_CACHE_BYTES: "per node: snapshots kept parsed (each dashboard's latest, and those read as baselines), bounded by their JSON size (0: off); unset: 64 MiB with DATABASE_URL, 16 MiB embedded",
  MAX_PAGE_BYTES: "JSON bytes of one `GET .../events` or `GET .../deliveries` page; a single larger event or delivery comes alone (replay pages are bounded by WS_OUTBOUND_BUDGET_BYTES)",
  WS_MAX_FRAME_BYTES: "inbound WebSocket frame → close 1009",
  WS_OUTBOUND_BUDGET_BYTES: "per-connection send buffer before events are dropped for a `slow_consumer` gap",
  WS_SLOW_CLOSE_MS: "over budget this long → close 4408",
  WS_MAX_CONNECTIONS_PER_PERSONA: "per node → close 4429",
  WS_MAX_CHANNELS: "per connection → `error` `limit`; also the most keys a `since` may name → `error` `bad-request`",
  WS_HEARTBEAT_MS: "WebSocket ping interval; a dead peer is dropped within two",
  WS_MAX_OPS_PER_SEC: "inbound ops per connection per second: over → `error` `limit`, over again the next second → close 4408",
  WS_MAX_PENDING: "connections per node that have not sent `auth`; one more closes the oldest with 4401",
  EVENT_RETENTION_DAYS: "integer ≥ 1; older events are pruned; unset: forever",
  SNAPSHOT_RETENTION_DAYS: "integer ≥ 1; older snapshots' rows are deleted, each dashboard's latest kept (then `GET` → 410); unset: forever",
  RATE_LIMIT_PER_MIN: "`/api` writes per `sub` per minute, per node → 429 (0: off)",
  MAX_SUBSCRIPTIONS_PER_DASHBOARD: "subscriptions one dashboard holds; one more → 409 `quota-exceeded`",
  MAX_SUBSCRIPTIONS_PER_OWNER: "subscriptions one `sub` owns on one dashboard; one more → 409 `quota-exceeded`",
  LOG_LEVEL: "trace, debug, info, warn, error, fatal, silent",
  LOG_FORMAT: "`json` or `pretty`; unset: pretty on a terminal, JSON lines otherwise",
  HUB_RECONCILE_MS: "how often each node checks its followed feeds against the log heads",
  DELIVERY_MAX_PER_TARGET: "webhook/email sends in flight to one target per node, so a slow endpoint cannot hold every slot",
  TEST_CRASH_BEFORE_PUBLISH: "tests only: a dashboard id; the node SIGKILLs itself after an ingest of it commits, before publishing",
};

function defaultOf(name: string): string {
  const field = (CONFIG_SCHEMA.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>)[name]!;
  const parsed = field.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return "unset";
  return code(Array.isArray(parsed.data) ? parsed.data.join(",") : String(parsed.data));
}

export const configNames = (): string[] => Object.keys(CONFIG_SCHEMA.shape);

export function configRows(keep: (name: string) => boolean = () => true): string[][] {
  return configNames()
    .filter(keep)
    .map((name) => [code(name), defaultOf(name), describe("variable", MEANINGS, name)]);
}

export function configurationDoc(): string {
  return page([
    GENERATED(["src/config.ts"]),
    "# Configuration",
    "All by environment variable, read in one place (`src/config.ts`). Empty counts as unset. A malformed value stops the hub at start with a message naming each bad variable, all at once.",
    table(["variable", "default", "meaning"], configRows()),
    "## The `dashwatch` CLI",
    table(["variable", "default", "meaning"], [
      [code("DASHWATCH_URL"), code(DEFAULT_CLI_URL), "the hub `tail` and `post` talk to (`--url` wins)"],
      [code("DASHWATCH_TOKEN"), "unset", "their bearer token (`--token` wins)"],
    ]),
    "`dashwatch token` reads the hub's own `JWT_SECRET`, `DATA_DIR`, `DATABASE_URL`, `JWT_JWKS_URL`, `JWT_ISSUER` and `JWT_AUDIENCE`, with the same checks.",
  ]);
}
