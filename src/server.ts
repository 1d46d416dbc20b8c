// Builds and starts one hub node from a Config. main.ts calls it; tests start several nodes with it.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { createApp } from "./app.js";
import { commitHook, createCommittedWrites } from "./app/committed-writes.js";
import type { Broker } from "./broker/broker.js";
import { createMemoryBroker } from "./broker/memory-broker.js";
import { brokerChecks } from "./broker/broker-checks.js";
import type { Config } from "./config.js";
import { mountConsole } from "./console/mount.js";
import { hubSecret, loadOrCreateSecret } from "./embedded-secret.js";
import { createTokenVerifier } from "./http/auth.js";
import { createHub } from "./hub/hub.js";
import { hubConfigOf } from "./hub/hub-config.js";
import { createLogger } from "./logger.js";
import { createRetention } from "./retention.js";
import { createScheduler } from "./scheduler/scheduler.js";
import { openDatabase } from "./store/database.js";
import { createDrizzleStore } from "./store/drizzle-store.js";
import { createDeliveryWorker } from "./delivery/delivery-worker.js";
import { createDrizzleDeliveryStore } from "./store/delivery-queries.js";

export interface RunningHub {
  url: string;
  /** The HS256 secret in use, when there is one (embedded mode makes one). */
  jwtSecret: string | null;
  logger: Logger;
  close(): Promise<void>;
}

export async function startHub(config: Config, options: { logger?: Logger } = {}): Promise<RunningHub> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const embedded = config.databaseUrl === null;
  const secret = hubSecret(config);
  const jwtSecret = secret.kind === "configured" ? secret.secret : secret.kind === "embedded" ? loadOrCreateSecret(secret.dataDir) : null;
  const verifyToken = createTokenVerifier({ ...config.jwt, secret: jwtSecret });

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: embedded ? config.dataDir : null });
  const store = createDrizzleStore(database, { snapshotCacheBytes: config.snapshotCacheBytes });
  // The redis client is loaded only by a hub that uses it: the embedded hub's footprint counts.
  const broker: Broker = config.redisClusterUrls
    ? (await import("./broker/redis-cluster-broker.js")).createRedisClusterBroker({ urls: config.redisClusterUrls, logger })
    : config.redisUrl
      ? (await import("./broker/redis-broker.js")).createRedisBroker({ url: config.redisUrl, logger })
      : createMemoryBroker();
  const metrics = new Registry();
  // prom-client samples the event-loop lag every 10 ms, about 7.7 ms of CPU per second on an idle hub here.
  // Kept: a coarser sample is not cheaper lag, it shifts every nodejs_eventloop_lag_* figure by the
  // interval (the histogram records whole intervals), which would break alerts set on them.
  collectDefaultMetrics({ register: metrics });

  const hub = createHub({
    store,
    broker,
    verifyToken,
    logger,
    metrics,
    config: hubConfigOf(config.ws),
    tuning: { reconcileMs: config.hubReconcileMs },
  });

  // subscription.disabled is appended by the worker: it goes out through the same hook, defined just below
  // and called only later.
  const deliveries = createDeliveryWorker({ store: createDrizzleDeliveryStore(database.db), config, logger, metrics, onAppended: (entries) => onCommitted(entries) });
  const onCommitted = commitHook({ hub, deliveries, logger, crashBeforePublish: config.testCrashBeforePublish });
  const writes = createCommittedWrites({ store, onCommitted });
  const app = createApp({
    store,
    writes,
    logger,
    now: () => new Date(),
    limits: { maxRows: config.maxRows, webhookAllowPrivate: config.webhookAllowPrivate },
    subscriptionQuota: config.subscriptionQuota,
    kickDelivery: () => deliveries.kick(),
    maxPageBytes: config.maxPageBytes,
    verifyToken,
    maxBodyBytes: config.maxBodyBytes,
    rateLimitPerMin: config.rateLimitPerMin,
    metrics,
    health: () => ({ ...brokerChecks(broker) }),
    mount: mountConsole,
  });

  const retention = createRetention({
    store,
    eventRetentionDays: config.eventRetentionDays,
    snapshotRetentionDays: config.snapshotRetentionDays,
    logger,
    metrics,
  });
  retention.start();
  const scheduler = createScheduler({
    store,
    writes,
    logger,
    source: { allowPrivate: config.webhookAllowPrivate, timeoutMs: config.webhookTimeoutMs, maxBytes: config.maxBodyBytes, maxRows: config.maxRows },
  });
  scheduler.start();
  deliveries.start();
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname === "/ws") hub.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    jwtSecret,
    logger,
    close: () =>
      (closing ??= (async () => {
        retention.stop();
        scheduler.stop();
        await deliveries.stop();
        await hub.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await broker.close();
        await store.close();
      })()),
  };
}
