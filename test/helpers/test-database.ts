// Each test file gets a database of its own: a fresh PostgreSQL database (the default, and what CI runs)
// or, with TEST_STORE=pglite, an in-memory PGlite. A PostgreSQL that cannot be reached fails the test.
import { randomBytes } from "node:crypto";
import postgres from "postgres";

export const TEST_STORE = process.env.TEST_STORE === "pglite" ? "pglite" : "postgres";
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  /** null means in-memory PGlite. */
  url: string | null;
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database, whatever TEST_STORE says: for tests that need several processes. */
export async function createPostgresDatabase(): Promise<TestDatabase & { url: string }> {
  const name = `dw_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_STORE === "pglite") return { url: null, drop: async () => {} };
  return createPostgresDatabase();
}
