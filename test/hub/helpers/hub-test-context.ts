// The per-file setup every hub test shares: one store for the file (a fresh database costs about a
// second), fresh dashboard ids, and every harness a test starts closed after it.
import { afterAll, afterEach, beforeAll } from "vitest";
import type { Store } from "../../../src/store/store.js";
import { createDashboard, createTestStore, startHarness, type Harness, type HarnessOptions } from "./hub-harness.js";

export interface HubTestContext {
  readonly store: Store;
  newDashboard(): Promise<string>;
  start(options?: Omit<HarnessOptions, "store">): Promise<Harness>;
}

export function hubTestContext(prefix: string): HubTestContext {
  let testStore: Awaited<ReturnType<typeof createTestStore>> | undefined;
  let started: Harness[] = [];
  let n = 0;
  beforeAll(async () => {
    testStore = await createTestStore();
  });
  afterEach(async () => {
    await Promise.all(started.map((h) => h.close()));
    started = [];
  });
  afterAll(async () => {
    await testStore?.close();
  });
  const store = () => {
    if (!testStore) throw new Error("store used outside a test");
    return testStore.store;
  };
  return {
    get store() {
      return store();
    },
    async newDashboard() {
      const id = `${prefix}${++n}`;
      await createDashboard(store(), id);
      return id;
    },
    async start(options = {}) {
      const h = await startHarness({ ...options, store: store() });
      started.push(h);
      return h;
    },
  };
}
