// Migration 0008: a snapshot's rows and diff (and an event's own diff) are compressed with lz4 where the
// server offers it, in every partition, and the migration still runs where it is not offered (PGlite).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { openDatabase, query, type Database } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import type { Store } from "../../src/store/store.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";

let pg: TestDatabase & { url: string };
let database: Database;
let store: Store;
beforeAll(async () => {
  pg = await createPostgresDatabase();
  database = await openDatabase({ databaseUrl: pg.url, poolSize: 2 });
  store = createDrizzleStore(database);
});
afterAll(async () => {
  await store?.close();
  await pg?.drop();
});

const compressionOf = (table: string, column: string) =>
  query<{ table: string; method: string }>(
    database.db,
    sql`select c.relname as table, a.attcompression as method from pg_class c join pg_attribute a on a.attrelid = c.oid
        where a.attname = ${column} and (c.oid = ${table}::regclass or c.oid in (select inhrelid from pg_inherits where inhparent = ${table}::regclass))`,
  );

describe("TOAST compression of snapshots", () => {
  it("is lz4 on the parent and on every partition of snapshots.rows, snapshots.diff and events.diff", async () => {
    for (const [table, column] of [["snapshots", "rows"], ["snapshots", "diff"], ["events", "diff"]] as const) {
      const columns = await compressionOf(table, column);
      expect(columns.length, `${table} and its 16 partitions`).toBe(17);
      expect(columns.filter((c) => c.method !== "l"), `${table}.${column}`).toEqual([]);
    }
  });

  it("stores an ingested 1 000-row snapshot compressed with lz4", async () => {
    await store.createDashboard("lz", { ...DEFAULT_SETTINGS, rank_by: "score" }, "o");
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `row-${i}`, score: 100_000 - i * 50, label: `Row number ${i}` }));
    const ingested = await store.ingestSnapshot({ dashboardId: "lz", rows, primaryMetric: null, takenAt: null, actor: "t" });
    expect(ingested.ok).toBe(true);
    const [stored] = await query<{ method: string | null }>(database.db, sql`select pg_column_compression(rows) as method from snapshots where dashboard_id = 'lz'`);
    expect(stored?.method).toBe("lz4");
  });
});
