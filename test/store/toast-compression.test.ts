// Migration 0008: a snapshot's rows and diff (and an event's own diff) are compressed with lz4 where the
// server offers it, in every partition; where it is not offered (embedded PGlite) the migration leaves the
// default and still runs.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { openDatabase, query, type Database } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import type { Store } from "../../src/store/store.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";

const COLUMNS = [["snapshots", "rows"], ["snapshots", "diff"], ["events", "diff"]] as const;

/** Each table's own setting and each of its partitions': "l" is lz4, "" the server's default. */
const compressionOf = (database: Database, table: string, column: string) =>
  query<{ table: string; method: string }>(
    database.db,
    sql`select c.relname as table, a.attcompression::text as method from pg_class c join pg_attribute a on a.attrelid = c.oid
        where a.attname = ${column} and (c.oid = ${table}::regclass or c.oid in (select inhrelid from pg_inherits where inhparent = ${table}::regclass))`,
  );

const offersLz4 = async (database: Database) =>
  (await query<{ offered: boolean }>(database.db, sql`select 'lz4' = any(enumvals) as offered from pg_settings where name = 'default_toast_compression'`))[0]!.offered;

const ingestBig = (store: Store, id: string) =>
  store.ingestSnapshot({ dashboardId: id, rows: Array.from({ length: 1000 }, (_, i) => ({ id: `row-${i}`, score: 100_000 - i * 50, label: `Row number ${i}` })), primaryMetric: null, takenAt: null, actor: "t" });

describe("TOAST compression on PostgreSQL", () => {
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

  it("is lz4 on every table and partition where the server offers it, and an ingested snapshot is stored so", async () => {
    const lz4 = await offersLz4(database);
    for (const [table, column] of COLUMNS) {
      const columns = await compressionOf(database, table, column);
      expect(columns.length, `${table} and its partitions`).toBeGreaterThan(1);
      expect(new Set(columns.map((c) => c.method)), `${table}.${column}`).toEqual(new Set([lz4 ? "l" : ""]));
    }
    await store.createDashboard("lz", { ...DEFAULT_SETTINGS, rank_by: "score" }, "o");
    expect((await ingestBig(store, "lz")).ok).toBe(true);
    const [stored] = await query<{ method: string | null }>(database.db, sql`select pg_column_compression(rows) as method from snapshots where dashboard_id = 'lz'`);
    expect(stored?.method).toBe(lz4 ? "lz4" : "pglz");
  });
});

describe("TOAST compression on embedded PGlite (no lz4)", () => {
  it("leaves the default, and a large snapshot is stored with pglz", async () => {
    const database = await openDatabase({});
    const store = createDrizzleStore(database);
    try {
      expect(await offersLz4(database)).toBe(false);
      for (const [table, column] of COLUMNS) {
        expect(new Set((await compressionOf(database, table, column)).map((c) => c.method)), `${table}.${column}`).toEqual(new Set([""]));
      }
      await store.createDashboard("lz", { ...DEFAULT_SETTINGS, rank_by: "score" }, "o");
      expect((await ingestBig(store, "lz")).ok).toBe(true);
      const [stored] = await query<{ method: string | null }>(database.db, sql`select pg_column_compression(rows) as method from snapshots where dashboard_id = 'lz'`);
      expect(stored?.method).toBe("pglz");
    } finally {
      await store.close();
    }
  });
});
