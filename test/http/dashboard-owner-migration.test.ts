// Migration 0004 adds dashboards.owner: dashboards made before it keep working, with owner null.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, expect, it } from "vitest";
import { openStore } from "../helpers/open-store.js";
import { createPostgresDatabase } from "../helpers/test-database.js";

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "dw-migrations-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

it("gives dashboards made before owners were recorded owner null, and new ones their creator", async () => {
  const database = await createPostgresDatabase();
  try {
    // The schema as it was before 0004: the first migration only.
    cpSync(join(MIGRATIONS, "0000_init.sql"), join(folder, "0000_init.sql"));
    cpSync(join(MIGRATIONS, "meta"), join(folder, "meta"), { recursive: true });
    writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ version: "7", dialect: "postgresql", entries: [{ idx: 0, version: "7", when: 1795321756760, tag: "0000_init", breakpoints: true }] }));
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle(sql), { migrationsFolder: folder });
      await sql`insert into dashboards (id, name) values ('old', 'from before')`;
    } finally {
      await sql.end();
    }
    const store = await openStore({ databaseUrl: database.url });
    try {
      expect(await store.getDashboard("old")).toMatchObject({ id: "old", name: "from before", owner: null, metadata: { snapshot_policy: "manual" } });
      const created = await store.createDashboard("new", { name: null, id_field: "id", rank_by: null, top_n: 10, primary_metric_field: null, metadata: {}, source_url: null }, "maker");
      expect(created).toMatchObject({ ok: true, value: { owner: "maker" } });
    } finally {
      await store.close();
    }
  } finally {
    await database.drop();
  }
});
