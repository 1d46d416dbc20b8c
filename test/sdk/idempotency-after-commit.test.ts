// A failing test for src/http/routes/snapshots.ts + src/store/idempotency.ts (not ours to edit; it sits
// here because this engineer may only write under test/sdk). The Idempotency-Key is completed by a write
// of its own after the ingest transaction has committed. If that write fails (here: one failed query; in
// production also a node killed between the two), the route releases the key and answers 5xx although
// the snapshot is committed, and a retry with the same key and body ingests it a second time. (After a
// SIGKILL between the two, the stale claim answers 409 for 5 minutes, then the retry ingests again.)
// The contract: "the same key with the same body returns the first response and writes nothing".
// Fix: complete the key inside the ingest transaction (or make release conditional on a rollback).
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

    expect([first.status >= 500, retry.status]).toEqual([true, 201]);
    expect(snapshots.snapshots, "one key, one body: one snapshot").toHaveLength(1);
  }, 30_000);
});
