// The only reader of process.env. Every bad setting is reported at once, each naming its variable.
import { z } from "zod";

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

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

const schema = z.object({
  PORT: int(0, 65535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_JWKS_URL: url(["https:", "http:"]).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  SMTP_URL: url(["smtp:", "smtps:"]).optional(),
  SMTP_FROM: z.string().min(3).default("dashwatch@localhost"),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  WEBHOOK_TIMEOUT_MS: int(1).default(15000),
  DELIVERY_RETRY_SCHEDULE: msList.default([0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]),
  MAX_BODY_BYTES: int(1024).default(10485760),
  MAX_ROWS: int(1).default(100000),
  SNAPSHOT_CACHE_BYTES: int(0).default(67108864),
  WS_MAX_FRAME_BYTES: int(64).default(65536),
  WS_OUTBOUND_BUDGET_BYTES: int(1024).default(1048576),
  WS_SLOW_CLOSE_MS: int(1).default(30000),
  WS_MAX_CONNECTIONS_PER_PERSONA: int(1).default(32),
  WS_MAX_CHANNELS: int(1).default(128),
  WS_HEARTBEAT_MS: int(100).default(25000),
  EVENT_RETENTION_DAYS: int(1).optional(),
  RATE_LIMIT_PER_MIN: int(0).default(6000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});

type Env = z.output<typeof schema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  redisUrl: string | null;
  jwt: { secret: string | null; jwksUrl: string | null; issuer: string | null; audience: string | null };
  smtpUrl: string | null;
  smtpFrom: string;
  webhookAllowPrivate: boolean;
  webhookTimeoutMs: number;
  deliveryRetryScheduleMs: number[];
  maxBodyBytes: number;
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
  };
  eventRetentionDays: number | null;
  rateLimitPerMin: number;
  logLevel: (typeof LOG_LEVELS)[number];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Empty strings count as unset, as a shell `VAR=` would mean. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? "?")}: ${i.message}`));
  }
  return toConfig(parsed.data);
}

function toConfig(e: Env): Config {
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL ?? null,
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
    deliveryRetryScheduleMs: e.DELIVERY_RETRY_SCHEDULE,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxRows: e.MAX_ROWS,
    snapshotCacheBytes: e.SNAPSHOT_CACHE_BYTES,
    ws: {
      maxFrameBytes: e.WS_MAX_FRAME_BYTES,
      outboundBudgetBytes: e.WS_OUTBOUND_BUDGET_BYTES,
      slowCloseMs: e.WS_SLOW_CLOSE_MS,
      maxConnectionsPerPersona: e.WS_MAX_CONNECTIONS_PER_PERSONA,
      maxChannels: e.WS_MAX_CHANNELS,
      heartbeatMs: e.WS_HEARTBEAT_MS,
    },
    eventRetentionDays: e.EVENT_RETENTION_DAYS ?? null,
    rateLimitPerMin: e.RATE_LIMIT_PER_MIN,
    logLevel: e.LOG_LEVEL,
  };
}
