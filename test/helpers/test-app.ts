// The app in-process over a real store: tests drive it with app.request() and inspect what it published.
import pino, { type Logger } from "pino";
import { Registry } from "prom-client";
import { createApp } from "../../src/app.js";
import { createCommittedWrites } from "../../src/app/committed-writes.js";
import { createTokenVerifier } from "../../src/http/auth.js";
import { mintToken, type MintOptions } from "../../src/http/token.js";
import type { LogEntry } from "../../src/protocol/event.js";
import type { Store, SubscriptionQuota } from "../../src/store/store.js";
import { openDatabase } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import { createTestStore, type TestStore } from "./test-store.js";

export const TEST_SECRET = "test-secret-0123456789-0123456789-abcdef";

export interface TestApp extends TestStore {
  app: ReturnType<typeof createApp>;
  published: LogEntry[];
  token(o: MintOptions): Promise<string>;
  /** JSON request with a bearer token; returns status, parsed body and headers. */
  call(method: string, path: string, o?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
}

export interface TestAppOptions {
  maxRows?: number;
  maxBodyBytes?: number;
  rateLimitPerMin?: number;
  webhookAllowPrivate?: boolean;
  /** Default: the configuration's defaults, 1000 per dashboard and 100 per owner. */
  subscriptionQuota?: Partial<SubscriptionQuota>;
  /** MAX_PAGE_BYTES (default: the configuration's, 8 MiB). */
  maxPageBytes?: number;
  /** The clock of the app and its store (default: the real one). */
  now?: () => Date;
  /** What the app sees of the store, e.g. one whose writes fail; the TestApp keeps the real one. */
  wrapStore?: (store: Store) => Store;
  /** Another node on this existing database (its own store, pool and caches); close() leaves the database. */
  databaseUrl?: string;
  snapshotCacheBytes?: number;
  /** The app's logger (default: a silent one). */
  logger?: Logger;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testStore = options.databaseUrl
    ? await nodeStore(options.databaseUrl, options.now, options.snapshotCacheBytes)
    : await createTestStore({ now: options.now, snapshotCacheBytes: options.snapshotCacheBytes });
  const published: LogEntry[] = [];
  const store = options.wrapStore ? options.wrapStore(testStore.store) : testStore.store;
  const app = createApp({
    store,
    writes: createCommittedWrites({ store, onCommitted: (entries) => published.push(...entries) }),
    logger: options.logger ?? pino({ level: "silent" }),
    now: options.now ?? (() => new Date()),
    limits: { maxRows: options.maxRows ?? 100_000, webhookAllowPrivate: options.webhookAllowPrivate ?? false },
    subscriptionQuota: { perDashboard: options.subscriptionQuota?.perDashboard ?? 1000, perOwner: options.subscriptionQuota?.perOwner ?? 100 },
    verifyToken: createTokenVerifier({ secret: TEST_SECRET, jwksUrl: null, issuer: null, audience: null }),
    maxPageBytes: options.maxPageBytes,
    maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
    rateLimitPerMin: options.rateLimitPerMin ?? 0,
    metrics: new Registry(),
  });
  return {
    ...testStore,
    app,
    published,
    token: (o) => mintToken(TEST_SECRET, o),
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined = o.raw;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers["content-type"] = "application/json";
      }
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
}

async function nodeStore(databaseUrl: string, now?: () => Date, snapshotCacheBytes?: number): Promise<TestStore> {
  const database = await openDatabase({ databaseUrl });
  const store = createDrizzleStore(database, { now, snapshotCacheBytes });
  return { store, database, databaseUrl, close: () => store.close() };
}
