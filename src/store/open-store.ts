import { openDatabase, type DatabaseOptions } from "./database.js";
import { createDrizzleStore, type DrizzleStoreOptions } from "./drizzle-store.js";
import type { Store } from "./store.js";

/** PostgreSQL when `databaseUrl` is set; otherwise PGlite under `dataDir`, or in memory without one. */
export async function openStore(options: DatabaseOptions & DrizzleStoreOptions = {}): Promise<Store> {
  return createDrizzleStore(await openDatabase(options), options);
}
