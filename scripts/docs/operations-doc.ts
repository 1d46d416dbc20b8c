// docs/operations.md: running the hub; the metric list is read from the code that registers them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { code, GENERATED, page, table } from "./markdown.js";

/** `name: "dashwatch_…", help: "…"` as prom-client metrics are declared under src/. */
export function metricsIn(dir: string): { name: string; help: string; file: string }[] {
  const found: { name: string; help: string; file: string }[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) {
        for (const m of readFileSync(path, "utf8").matchAll(/name:\s*"(dashwatch_[a-z0-9_]+)",\s*help:\s*"([^"]+)"/g)) found.push({ name: m[1]!, help: m[2]!, file: path });
      }
    }
  };
  walk(dir);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export function operationsDoc(): string {
  const metrics = metricsIn("src");
  return page([
    GENERATED(["the metrics declared under src/"]),
    "# Operations",
    "## Modes",
    "- **Embedded** (no `DATABASE_URL`): PGlite under `DATA_DIR` and an in-process broker, one node. A JWT secret is made in `DATA_DIR/jwt-secret` and a demo admin token printed at start (`dashwatch token` mints more with it). PGlite does not fsync: the data survives a killed process but not a host crash (power loss, kernel panic), after which the last commits can be lost. Use PostgreSQL for anything that must survive that.\n- **PostgreSQL** (`DATABASE_URL`, `JWT_SECRET` or `JWT_JWKS_URL` required): migrations run at start under a lock, so nodes can start together.\n- **Several nodes**: the same `DATABASE_URL` and JWT settings, plus `REDIS_URL` (one Redis) or `REDIS_CLUSTER_URLS` (sharded pub/sub on a Redis Cluster ≥ 7.0, `cluster-require-full-coverage no`). Any load balancer that passes WebSocket upgrades; no stickiness: a client that lands elsewhere resumes with `since` from the log. Per node: connection and channel limits, the write rate limit, the snapshot cache. Global (PostgreSQL): the log and its seq, idempotency keys, the delivery outbox, scheduled snapshot instants, retention.",
    "## Health",
    "`GET /health` (no token) → `{status, checks}`: `ok`; `degraded` (200) while the broker, or a cluster shard (`checks.broker_shards`), is down: ingest and WebSocket service go on and sessions catch up from the log; `down` (503) when PostgreSQL (or PGlite) does not answer. Point liveness probes at it and readiness at `status != down`.",
    "## Shutdown",
    "SIGTERM or SIGINT: the node lets each WebSocket session's queued frames drain (up to 5 s) and closes it with 1001 (clients reconnect and resume, on this node's successor or another), then closes its HTTP server, broker and store, and exits 0. A node killed between a commit and its publish loses nothing: every `HUB_RECONCILE_MS` each node compares the heads of the feeds it follows with the log and catches them up.",
    "## Retention",
    "At start and hourly, one node at a time (an advisory lock), in batches of 1 000 rows: events older than `EVENT_RETENTION_DAYS`; snapshot rows older than `SNAPSHOT_RETENTION_DAYS` except each dashboard's latest; finished deliveries after 30 days; idempotency keys after 24 h. A client resuming from a pruned seq gets a `gap` with `reason: \"retention\"`.",
    "## Metrics",
    "`GET /metrics` (no token), Prometheus text format, per node:",
    table(["metric", "help", "declared in"], metrics.map((m) => [code(m.name), m.help, code(m.file)])),
    "Plus the default Node.js process metrics of `prom-client`.",
    "## Logs",
    "pino on stdout, one line per request with `request_id` (the `x-request-id` of the answer); paths are logged without query strings, and tokens and secrets never. The level and format are settings: see [configuration.md](configuration.md).",
  ]);
}
