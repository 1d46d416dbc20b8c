// Opens the one schema on either driver and applies the committed migrations from drizzle/.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SQL } from "drizzle-orm";
import type { Logger as QueryLogger } from "drizzle-orm/logger";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { preparingStatements } from "./prepared-statements.js";
import { makePrivate, PRIVATE_DIR_MODE, withPrivateUmask } from "./private-dir.js";
import { schema } from "./schema.js";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** A plain SQL statement's rows: postgres-js answers an array of rows, PGlite an object holding them. */
export async function query<T>(q: Db, statement: SQL): Promise<T[]> {
  return resultRows<T>(await q.execute(statement));
}

/** The rows of what `execute` answered, on either driver. */
export function resultRows<T>(result: unknown): T[] {
  const answer = result as T[] | { rows: T[] };
  return Array.isArray(answer) ? answer : answer.rows;
}

/**
 * A PostgreSQL array literal for one `::text[]` (or `::uuid[]`, `::bigint[]`) parameter: drizzle spreads a
 * JS array into one parameter per item, and a statement whose text varies with a list's length cannot stay
 * prepared. Every item is quoted, so any string survives.
 */
export const arrayLiteral = (items: readonly (string | number)[]): string =>
  `{${items.map((v) => `"${String(v).replace(/["\\]/g, "\\$&")}"`).join(",")}}`;

export type TryLock<T> = { locked: true; value: T } | { locked: false };

export interface Database {
  db: Db;
  /**
   * Runs `fn` unless another holder has `key` (a PostgreSQL advisory lock, so one node of many; PGlite is
   * one process, so an in-process flag). `fn` uses `db` as usual: the lock only says who does the work.
   */
  withTryLock<T>(key: number, fn: () => Promise<T>): Promise<TryLock<T>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; absent means embedded PGlite. */
  databaseUrl?: string | null;
  /** PGlite data directory; absent with no URL means in memory. */
  dataDir?: string | null;
  /** Connections in the postgres pool. */
  poolSize?: number;
  /** Sees every query with its parameters (the partition-plan test reads them). */
  queryLogger?: QueryLogger;
}

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));
// Any constant works; two hub nodes starting together must not both run the migrations.
const MIGRATION_LOCK = 727_001;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10, options.queryLogger)
    : openPglite(options.dataDir ?? null, options.queryLogger);
}

async function openPostgres(url: string, max: number, logger?: QueryLogger): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // One connection, so the session-level advisory lock covers the migrator's queries.
  const migrator = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(migrator), { migrationsFolder: MIGRATIONS });
    await migrator`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await migrator.end();
  }
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzle(preparingStatements(client), { schema, logger }) as unknown as Db;
  const withTryLock = async <T>(key: number, fn: () => Promise<T>): Promise<TryLock<T>> => {
    // A connection of its own, ended afterwards: ending the session is what releases the lock, even if
    // an unlock would have failed, so a lock can never stay behind in a pooled connection.
    const holder = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      const [row] = await holder<{ ok: boolean }[]>`select pg_try_advisory_lock(${key}) as ok`;
      return row?.ok ? { locked: true, value: await fn() } : { locked: false };
    } finally {
      await holder.end({ timeout: 5 });
    }
  };
  return { db, withTryLock, close: () => client.end({ timeout: 5 }) };
}

async function openPglite(dataDir: string | null, logger?: QueryLogger): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const { baselineWasmOnly, collectInitdbInstance, pgliteStartParams } = await import("./pglite-settings.js");
  baselineWasmOnly();
  const startParams = pgliteStartParams();
  const open = async (): Promise<Database> => {
    const client = new PGlite(dataDir ?? undefined, startParams ? { startParams } : {});
    const db = drizzle(client, { schema, logger });
    await migrate(db, { migrationsFolder: MIGRATIONS });
    const held = new Set<number>();
    const withTryLock = async <T>(key: number, fn: () => Promise<T>): Promise<TryLock<T>> => {
      if (held.has(key)) return { locked: false };
      held.add(key);
      try {
        return { locked: true, value: await fn() };
      } finally {
        held.delete(key);
      }
    };
    return { db: db as unknown as Db, withTryLock, close: () => client.close() };
  };
  if (!dataDir) return open();
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const fresh = !existsSync(join(dataDir, "PG_VERSION"));
  // PGlite lays out its first files 0666 whatever the umask, and its folders by the umask; the files
  // PostgreSQL makes later are 0600. So: a private umask while it opens, then every existing entry chmodded.
  const database = await withPrivateUmask(open);
  makePrivate(dataDir);
  if (fresh) collectInitdbInstance();
  return database;
}
