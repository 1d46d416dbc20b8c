// The only place that reads the environment and wires a running hub.
import { ConfigError, loadConfig } from "./config.js";
import { mintToken } from "./http/token.js";
import { startHub } from "./server.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (config.databaseUrl && !config.jwt.secret && !config.jwt.jwksUrl) {
    console.error("invalid configuration:\n  JWT_SECRET: required (or JWT_JWKS_URL) when DATABASE_URL is set");
    process.exit(1);
  }
  // Embedded mode: whatever the hub writes under DATA_DIR (the JWT secret, PGlite's files) is its user's only.
  if (!config.databaseUrl) process.umask(0o077);
  const hub = await startHub(config);
  hub.logger.info({ url: hub.url, store: config.databaseUrl ? "postgres" : "pglite", broker: config.redisClusterUrls ? "redis-cluster" : config.redisUrl ? "redis" : "memory" }, "dashwatch hub listening");
  if (!config.smtpUrl) hub.logger.warn("SMTP_URL is not set: email deliveries stay queued");
  if (!config.databaseUrl && !config.jwt.secret && hub.jwtSecret) {
    const token = await mintToken(hub.jwtSecret, { sub: "demo-admin", roles: ["admin"], expiresIn: "30d" });
    process.stdout.write(`\nDashwatch is running (embedded PGlite, in-process broker).\n  console: ${hub.url}/\n  demo admin token (30 days):\n  ${token}\n\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.logger.info({ signal }, "shutting down");
    hub.close().then(
      () => process.exit(0),
      (err: unknown) => {
        hub.logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
