// The Idempotency-Key is completed inside the ingest transaction: a separate write after the commit
// could fail (or the node could die between the two) and let a retry ingest the same snapshot twice.
// The store here fails any separate completion, to prove the route no longer depends on one.
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { createTokenVerifier } from "../../src/http/auth.js";
import { mintToken } from "../../src/http/token.js";
import type { Store } from "../../src/store/store.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

let testStore: TestStore | undefined;

afterAll(async () => {
  await testStore?.close();
});

/** The store, except that completing an idempotency key fails once, as one lost connection would. */
function failingCompletionOnce(store: Store): Store {
  let failed = false;
  return {
    ...store,
    async completeIdempotencyKey(...args: Parameters<Store["completeIdempotencyKey"]>) {
      if (!failed) {
        failed = true;
        throw new Error("connection lost after the ingest committed");
      }
      return store.completeIdempotencyKey(...args);
    },
  };
}

describe("Idempotency-Key on snapshot ingest", () => {
  it("does not ingest twice when completing the key failed after the commit", async () => {
    testStore = await createTestStore();
    const store = failingCompletionOnce(testStore.store);
    const app = createApp({
      store,
      publish: () => {},
      logger: pino({ level: "silent" }),
      now: () => new Date(),
      limits: { maxRows: 1000, webhookAllowPrivate: false },
      verifyToken: createTokenVerifier({ secret: TEST_SECRET, jwksUrl: null, issuer: null, audience: null }),
      maxBodyBytes: 1 << 20,
      rateLimitPerMin: 0,
      metrics: new Registry(),
    });
    const token = await mintToken(TEST_SECRET, { sub: "publisher-1", roles: ["admin"] });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    expect((await app.request("/api/dashboard", { method: "POST", headers, body: JSON.stringify({ id: "idem" }) })).status).toBe(201);

    const post = () =>
      app.request("/api/dashboard/idem/snapshot", {
        method: "POST",
        headers: { ...headers, "idempotency-key": "k-1" },
        body: JSON.stringify({ rows: [{ id: "a", score: 1 }] }),
      });
    const first = await post();
    const retry = await post();
    const snapshots = (await (await app.request("/api/dashboard/idem/snapshots", { headers })).json()) as { snapshots: unknown[] };

    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(await retry.json()).toEqual(await first.json());
    expect(snapshots.snapshots, "one key, one body: one snapshot").toHaveLength(1);
  }, 30_000);
});
