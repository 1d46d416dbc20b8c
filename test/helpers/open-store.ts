// A store on a database of the caller's choosing, for tests and benches; the hub itself builds its store in
// src/server.ts, next to the database it also hands to the delivery worker.
import { openDatabase, type DatabaseOptions } from "../../src/store/database.js";
import { createDrizzleStore, type DrizzleStoreOptions } from "../../src/store/drizzle-store.js";
import type { Store } from "../../src/store/store.js";

/** PostgreSQL when `databaseUrl` is set; otherwise PGlite under `dataDir`, or in memory without one. */
export async function openStore(options: DatabaseOptions & DrizzleStoreOptions = {}): Promise<Store> {
  return createDrizzleStore(await openDatabase(options), options);
}
