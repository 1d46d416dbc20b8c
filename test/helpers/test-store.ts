import { openDatabase, type Database } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase } from "./test-database.js";

export interface TestStore {
  store: Store;
  /** The store's database, for tests that look under the port. */
  database: Database;
  databaseUrl: string | null;
  close(): Promise<void>;
}

export async function createTestStore(options: { now?: () => Date; snapshotCacheBytes?: number } = {}): Promise<TestStore> {
  const database = await createTestDatabase();
  const db = await openDatabase({ databaseUrl: database.url });
  const store = createDrizzleStore(db, { now: options.now, snapshotCacheBytes: options.snapshotCacheBytes });
  return {
    store,
    database: db,
    databaseUrl: database.url,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
