// The ingest's writes go out started together, in the order given (in-order.ts), as named statements
// (prepared-statements.ts) so that postgres.js need not stop to describe each: both on real PostgreSQL.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, query, type Database } from "../../src/store/database.js";
import { writeInOrder } from "../../src/store/in-order.js";
import { MAX_PREPARED_PARAMETERS } from "../../src/store/prepared-statements.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";

let pg: TestDatabase & { url: string };
let database: Database;
beforeAll(async () => {
  pg = await createPostgresDatabase();
  database = await openDatabase({ databaseUrl: pg.url, poolSize: 2 });
  await database.db.execute(sql`create table ordered (id int primary key, v int not null)`);
});
afterAll(async () => {
  await database.close();
  await pg.drop();
});

describe("writeInOrder", () => {
  it("runs the writes in the order given, whatever order they were built in, and skips nulls", async () => {
    const v = await database.db.transaction(async (tx) => {
      const times10 = tx.execute(sql`update ordered set v = v * 10 where id = ${1}`);
      const insert = tx.execute(sql`insert into ordered (id, v) values (${1}, ${1})`);
      const plus1 = tx.execute(sql`update ordered set v = v + 1 where id = ${1}`);
      // Built update-first; given insert-first. Any other order than the one given leaves another value.
      await writeInOrder([insert, null, times10, plus1]);
      const [row] = await query<{ v: number }>(tx, sql`select v from ordered where id = ${1}`);
      return row?.v;
    });
    expect(v).toBe(11);
  });

  it("rejects with the first failure, and the transaction writes nothing", async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await writeInOrder([tx.execute(sql`insert into ordered (id, v) values (${2}, ${1})`), tx.execute(sql`insert into ordered (id, v) values (${2}, ${2})`)]);
      }),
    ).rejects.toMatchObject({ cause: { code: "23505" } }); // unique_violation, of the second insert
    expect(await query(database.db, sql`select id from ordered where id = ${2}`)).toEqual([]);
  });
});

describe("transactions on postgres.js (BEGIN sent with the first statements)", () => {
  it("runs the callback's statements inside one transaction, committed at the end", async () => {
    const seen = await database.db.transaction(async (tx) => {
      // Neither statement waits for BEGIN's answer (query() starts each at once, in this order); a
      // transaction-local setting lasts only inside a transaction.
      const [, shown] = await Promise.all([
        query(tx, sql`select set_config('statement_timeout', '1234ms', true)`),
        query<{ statement_timeout: string }>(tx, sql`select current_setting('statement_timeout') as statement_timeout`),
      ]);
      await tx.execute(sql`insert into ordered (id, v) values (${3}, ${3})`);
      return shown[0]!.statement_timeout;
    });
    expect(seen).toBe("1234ms");
    expect(await query(database.db, sql`select v from ordered where id = ${3}`)).toEqual([{ v: 3 }]);
    const after = await query<{ t: string }>(database.db, sql`select current_setting('statement_timeout') as t`);
    expect(after[0]!.t).not.toBe("1234ms");
  });

  it("rolls everything back when the callback throws, and the connection is clean afterwards", async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into ordered (id, v) values (${4}, ${4})`);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await query(database.db, sql`select v from ordered where id = ${4}`)).toEqual([]);
    // Both pooled connections are reused by these: neither is left inside a transaction.
    const states = await Promise.all([1, 2, 3, 4].map(() => query<{ n: string }>(database.db, sql`select count(*)::text as n from pg_stat_activity where state like 'idle in transaction%' and datname = current_database()`)));
    expect(states.map((r) => r[0]!.n)).toEqual(["0", "0", "0", "0"]);
  });
});

describe("named statements", () => {
  it("prepares a statement once per connection and reuses it; one with many parameters stays unnamed", async () => {
    const prepared = await database.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.execute(sql`select ${i}::int + 1 as reused_statement`);
      const many = Array.from({ length: MAX_PREPARED_PARAMETERS + 1 }, (_, i) => sql`${i}::int`);
      await tx.execute(sql`select ${sql.join(many, sql`, `)} as too_many_to_prepare`);
      return query<{ statement: string }>(tx, sql`select statement from pg_prepared_statements where statement like ${"%_statement%"} or statement like ${"%too_many%"}`);
    });
    const texts = prepared.map((r) => r.statement);
    expect(texts.filter((t) => t.includes("reused_statement"))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("too_many_to_prepare"))).toHaveLength(0);
  });
});
