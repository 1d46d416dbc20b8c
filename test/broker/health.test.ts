// GET /health over a real store and real brokers: "ok", "degraded" with 200 while the broker is down
// (the hub still serves from the log), "down" with 503 only when the store is unreachable.
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { createCommittedWrites } from "../../src/app/committed-writes.js";
import type { Broker } from "../../src/broker/broker.js";
import { brokerChecks } from "../../src/broker/broker-checks.js";
import { createMemoryBroker } from "../../src/broker/memory-broker.js";
import { createRedisBroker } from "../../src/broker/redis-broker.js";
import { createTokenVerifier } from "../../src/http/auth.js";
import type { Store } from "../../src/store/store.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";
import { spareRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { waitForState } from "./helpers/wait-for-state.js";

function health(store: Store, broker: Broker) {
  const app = createApp({
    store,
    writes: createCommittedWrites({ store, onCommitted: () => {} }),
    logger: pino({ level: "silent" }),
    now: () => new Date(),
    limits: { maxRows: 10, webhookAllowPrivate: false },
    subscriptionQuota: { perDashboard: 1000, perOwner: 100 },
    verifyToken: createTokenVerifier({ secret: "health-test-secret-0123456789-0123456789", jwksUrl: null, issuer: null, audience: null }),
    maxBodyBytes: 1024,
    rateLimitPerMin: 0,
    metrics: new Registry(),
    health: () => ({ ...brokerChecks(broker) }),
  });
  return async () => {
    const res = await app.request("/health");
    return { status: res.status, body: await res.json() };
  };
}

describe("GET /health", () => {
  let store: TestStore;
  let redis: RedisServer;
  beforeAll(async () => {
    store = await createTestStore();
    redis = await spareRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
    await store?.close();
  });

  it("is ok with the store and broker up", async () => {
    expect(await health(store.store, createMemoryBroker())()).toEqual({ status: 200, body: { status: "ok", checks: { store: "up", broker: "up" } } });
  });

  it("is degraded, still 200, while Redis is down, and ok again once it is back", async () => {
    const broker = createRedisBroker({ url: redis.url, probeIntervalMs: 100, probeTimeoutMs: 300, commandTimeoutMs: 300, reconnect: { baseMs: 20, maxMs: 100 } });
    try {
      const check = health(store.store, broker);
      await waitForState(broker, "up", 5000);
      expect((await check()).body.status).toBe("ok");
      await redis.stop();
      await waitForState(broker, "down", 5000);
      expect(await check()).toEqual({ status: 200, body: { status: "degraded", checks: { store: "up", broker: "down" } } });
      await redis.start();
      await waitForState(broker, "up", 10_000);
      expect((await check()).body).toEqual({ status: "ok", checks: { store: "up", broker: "up" } });
    } finally {
      await broker.close();
    }
  });

  it("is down with 503 when the store is unreachable", async () => {
    const gone = await createTestStore();
    await gone.close();
    expect(await health(gone.store, createMemoryBroker())()).toEqual({ status: 503, body: { status: "down", checks: { store: "down", broker: "up" } } });
  });
});
