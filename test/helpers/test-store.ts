import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase } from "./test-database.js";

export interface TestStore {
  store: Store;
  databaseUrl: string | null;
  close(): Promise<void>;
}

export async function createTestStore(options: { now?: () => Date; snapshotCacheBytes?: number } = {}): Promise<TestStore> {
  const database = await createTestDatabase();
  const store = await openStore({ databaseUrl: database.url, now: options.now, snapshotCacheBytes: options.snapshotCacheBytes });
  return {
    store,
    databaseUrl: database.url,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
