// The Idempotency-Key is completed inside the ingest transaction: a separate write after the commit
// could fail (or the node could die between the two) and let a retry ingest the same snapshot twice.
// The store here fails any separate completion, to prove the route no longer depends on one.
import { afterAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp | undefined;

afterAll(async () => {
  await t?.close();
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
    t = await createTestApp({ maxRows: 1000, maxBodyBytes: 1 << 20, wrapStore: failingCompletionOnce });
    const token = await t.token({ sub: "publisher-1", roles: ["admin"] });
    expect((await t.call("POST", "/api/dashboard", { token, body: { id: "idem" } })).status).toBe(201);

    const post = () =>
      t!.call("POST", "/api/dashboard/idem/snapshot", { token, headers: { "idempotency-key": "k-1" }, body: { rows: [{ id: "a", score: 1 }] } });
    const first = await post();
    const retry = await post();
    const snapshots = await t.call("GET", "/api/dashboard/idem/snapshots", { token });

    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    expect(snapshots.body.snapshots, "one key, one body: one snapshot").toHaveLength(1);
  }, 30_000);
});
