// The only reader of process.env. Every bad setting is reported at once, each naming its variable.
import { z } from "zod";
import { DEFAULT_HUB_CONFIG } from "./hub/hub-config.js";

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
const LOG_FORMATS = ["json", "pretty"] as const;
const MiB = 1024 * 1024;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const bool = z
  .enum(["0", "1", "true", "false"], { message: "must be 0, 1, true or false" })
  .transform((v) => v === "1" || v === "true");

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.join(" or ")} URL`);

const msList = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, "must be a comma-separated list of milliseconds")
  .transform((v) => v.split(",").map((s) => Number(s.trim())));

const redisUrlList = z
  .string()
  .refine(
    (v) =>
      v.split(",").every((part) => {
        try {
          const u = new URL(part.trim());
          return (u.protocol === "redis:" || u.protocol === "rediss:") && u.hostname !== "" && u.port !== "";
        } catch {
          return false;
        }
      }),
    "must be a comma-separated list of redis://host:port URLs",
  )
  .transform((v) => v.split(",").map((part) => part.trim()));

const schema = z.object({
  PORT: int(0, 65535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  REDIS_CLUSTER_URLS: redisUrlList.optional(),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_JWKS_URL: url(["https:", "http:"]).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  SMTP_URL: url(["smtp:", "smtps:"]).optional(),
  SMTP_FROM: z.string().min(3).default("dashwatch@localhost"),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  WEBHOOK_TIMEOUT_MS: int(1).default(15000),
  WEBHOOK_DISABLE_AFTER_MS: int(0).default(432000000),
  DELIVERY_RETRY_SCHEDULE: msList.default([0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]),
  MAX_BODY_BYTES: int(1024).default(10485760),
  MAX_ROWS: int(1).default(100000),
  // Default by mode, see toConfig.
  SNAPSHOT_CACHE_BYTES: int(0).optional(),
  MAX_PAGE_BYTES: int(1024).default(8388608),
  // The WebSocket defaults are the hub's own (src/hub/hub-config.ts), so there is one place to change them.
  WS_MAX_FRAME_BYTES: int(64).default(DEFAULT_HUB_CONFIG.wsMaxFrameBytes),
  WS_OUTBOUND_BUDGET_BYTES: int(1024).default(DEFAULT_HUB_CONFIG.wsOutboundBudgetBytes),
  WS_SLOW_CLOSE_MS: int(1).default(DEFAULT_HUB_CONFIG.wsSlowCloseMs),
  WS_MAX_CONNECTIONS_PER_PERSONA: int(1).default(DEFAULT_HUB_CONFIG.wsMaxConnectionsPerPersona),
  WS_MAX_CHANNELS: int(1).default(DEFAULT_HUB_CONFIG.wsMaxChannels),
  WS_HEARTBEAT_MS: int(100).default(DEFAULT_HUB_CONFIG.heartbeatMs),
  WS_MAX_OPS_PER_SEC: int(1).default(DEFAULT_HUB_CONFIG.wsMaxOpsPerSec),
  WS_MAX_PENDING: int(1).default(DEFAULT_HUB_CONFIG.wsMaxPending),
  EVENT_RETENTION_DAYS: int(1).optional(),
  SNAPSHOT_RETENTION_DAYS: int(1).optional(),
  RATE_LIMIT_PER_MIN: int(0).default(6000),
  MAX_SUBSCRIPTIONS_PER_DASHBOARD: int(1).default(1000),
  MAX_SUBSCRIPTIONS_PER_OWNER: int(1).default(100),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  LOG_FORMAT: z.enum(LOG_FORMATS).optional(),
  HUB_RECONCILE_MS: int(100).default(5000),
  DELIVERY_MAX_PER_TARGET: int(1).default(2),
  // Tests only: SIGKILL the process after an ingest of this dashboard commits, before its publish.
  TEST_CRASH_BEFORE_PUBLISH: z.string().min(1).optional(),
});

type Env = z.output<typeof schema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  redisUrl: string | null;
  /** Seed nodes of a Redis Cluster (sharded pub/sub); never set together with redisUrl. */
  redisClusterUrls: string[] | null;
  jwt: { secret: string | null; jwksUrl: string | null; issuer: string | null; audience: string | null };
  smtpUrl: string | null;
  smtpFrom: string;
  webhookAllowPrivate: boolean;
  webhookTimeoutMs: number;
  /** A webhook endpoint whose deliveries have all failed this long is disabled; 0 never disables. */
  webhookDisableAfterMs: number;
  deliveryRetryScheduleMs: number[];
  maxBodyBytes: number;
  /** An events or deliveries page stops before its JSON would pass this. */
  maxPageBytes: number;
  maxRows: number;
  /** Parsed latest snapshots kept per node for the next diff, bounded by their rows' JSON size. */
  snapshotCacheBytes: number;
  ws: {
    maxFrameBytes: number;
    outboundBudgetBytes: number;
    slowCloseMs: number;
    maxConnectionsPerPersona: number;
    maxChannels: number;
    heartbeatMs: number;
    maxOpsPerSec: number;
    maxPending: number;
  };
  eventRetentionDays: number | null;
  snapshotRetentionDays: number | null;
  rateLimitPerMin: number;
  subscriptionQuota: { perDashboard: number; perOwner: number };
  logLevel: (typeof LOG_LEVELS)[number];
  /** Unset: pretty when stdout is a terminal, JSON lines otherwise (a pipe, a file, a log collector). */
  logFormat: (typeof LOG_FORMATS)[number];
  hubReconcileMs: number;
  deliveryMaxPerTarget: number;
  testCrashBeforePublish: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Empty strings count as unset, as a shell `VAR=` would mean. */
export function loadConfig(env: Record<string, string | undefined> = process.env, terminal = process.stdout.isTTY === true): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? "?")}: ${i.message}`));
  }
  if (parsed.data.REDIS_URL && parsed.data.REDIS_CLUSTER_URLS) {
    throw new ConfigError(["REDIS_CLUSTER_URLS: cannot be set together with REDIS_URL (a cluster or one Redis, not both)"]);
  }
  return toConfig(parsed.data, terminal);
}

function toConfig(e: Env, terminal: boolean): Config {
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL ?? null,
    redisClusterUrls: e.REDIS_CLUSTER_URLS ?? null,
    jwt: {
      secret: e.JWT_SECRET ?? null,
      jwksUrl: e.JWT_JWKS_URL ?? null,
      issuer: e.JWT_ISSUER ?? null,
      audience: e.JWT_AUDIENCE ?? null,
    },
    smtpUrl: e.SMTP_URL ?? null,
    smtpFrom: e.SMTP_FROM,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookDisableAfterMs: e.WEBHOOK_DISABLE_AFTER_MS,
    deliveryRetryScheduleMs: e.DELIVERY_RETRY_SCHEDULE,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxPageBytes: e.MAX_PAGE_BYTES,
    maxRows: e.MAX_ROWS,
    // Embedded mode is one laptop process whose footprint counts; a PostgreSQL node serves many dashboards.
    snapshotCacheBytes: e.SNAPSHOT_CACHE_BYTES ?? (e.DATABASE_URL ? 64 * MiB : 16 * MiB),
    ws: {
      maxFrameBytes: e.WS_MAX_FRAME_BYTES,
      outboundBudgetBytes: e.WS_OUTBOUND_BUDGET_BYTES,
      slowCloseMs: e.WS_SLOW_CLOSE_MS,
      maxConnectionsPerPersona: e.WS_MAX_CONNECTIONS_PER_PERSONA,
      maxChannels: e.WS_MAX_CHANNELS,
      heartbeatMs: e.WS_HEARTBEAT_MS,
      maxOpsPerSec: e.WS_MAX_OPS_PER_SEC,
      maxPending: e.WS_MAX_PENDING,
    },
    eventRetentionDays: e.EVENT_RETENTION_DAYS ?? null,
    snapshotRetentionDays: e.SNAPSHOT_RETENTION_DAYS ?? null,
    rateLimitPerMin: e.RATE_LIMIT_PER_MIN,
    subscriptionQuota: { perDashboard: e.MAX_SUBSCRIPTIONS_PER_DASHBOARD, perOwner: e.MAX_SUBSCRIPTIONS_PER_OWNER },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (terminal ? "pretty" : "json"),
    hubReconcileMs: e.HUB_RECONCILE_MS,
    deliveryMaxPerTarget: e.DELIVERY_MAX_PER_TARGET,
    testCrashBeforePublish: e.TEST_CRASH_BEFORE_PUBLISH ?? null,
  };
}

/** What the `dashwatch` CLI reads besides the hub's own settings (its `token` command reads those). */
export interface CliEnv {
  /** DASHWATCH_URL: the hub's http(s) base. */
  url: string;
  /** DASHWATCH_TOKEN: the bearer token of `tail` and `post`. */
  token: string | null;
}

export const DEFAULT_CLI_URL = "http://127.0.0.1:8787";

export function loadCliEnv(env: Record<string, string | undefined> = process.env): CliEnv {
  return { url: env.DASHWATCH_URL || DEFAULT_CLI_URL, token: env.DASHWATCH_TOKEN || null };
}

/** The variables and their checks, read by scripts/gen-docs.ts for docs/configuration.md. */
export const CONFIG_SCHEMA = schema;
