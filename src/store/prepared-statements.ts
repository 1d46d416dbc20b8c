// How the hub talks to PostgreSQL through postgres.js: named statements, and a BEGIN that travels with the
// transaction's first statements.
//
// drizzle sends every query not built with `.prepare(name)` as an unnamed statement, and postgres.js must
// then describe each one before it can bind its parameters: two round trips per statement, and no
// pipelining, since a statement waiting for its description holds the connection's queue. An ingest's
// writes, started together to go out in one round trip, went out as fourteen. Named statements are
// described once per connection and then sent as Bind/Execute only, back to back.
//
// postgres.js keeps a connection's statements for its lifetime, one per distinct text. The texts here
// come from code, and only lists whose length varies (`in ($1, $2, ...)`) make new ones; statements with
// more than MAX_PREPARED_PARAMETERS parameters stay unnamed, which bounds how many one connection keeps.
//
// postgres.js's own `begin` waits for BEGIN's answer before it runs the callback: a round trip in every
// transaction. Here the transaction runs on a reserved connection, whose queries leave in the order they
// are started, so BEGIN simply goes first, ahead of whatever the callback sends without waiting. BEGIN
// cannot fail on a connection that works; on one that does not, what follows it fails too.
import type { ReservedSql, Sql, TransactionSql } from "postgres";

export const MAX_PREPARED_PARAMETERS = 32;

type Client = Sql | TransactionSql | ReservedSql;
type UnsafeOptions = { prepare?: boolean } | undefined;

export function preparingStatements<T extends Client>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "unsafe") {
        return (text: string, params?: unknown[], options?: UnsafeOptions) =>
          (value as Sql["unsafe"]).call(target, text, params as never, { ...options, prepare: (params?.length ?? 0) <= MAX_PREPARED_PARAMETERS });
      }
      if (prop === "begin" && "reserve" in target) {
        // No transaction modes: the callback's statements leave before BEGIN's answer, so a BEGIN refused
        // for its mode would leave them committed outside any transaction. drizzle passes none (it sets
        // isolation with SET TRANSACTION inside the callback). Nor savepoints: a nested transaction fails.
        return (...args: unknown[]) => {
          if (args.length !== 1) throw new Error("pipelined transactions take a callback only, no mode");
          return pipelinedTransaction(target as Sql, args[0] as (tx: Client) => Promise<unknown>);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function pipelinedTransaction<T>(pool: Sql, fn: (tx: Client) => Promise<T>): Promise<T> {
  const reserved = await pool.reserve();
  try {
    // Started now, so queued ahead of everything the callback sends; awaited once the callback is done.
    const began = new Promise<void>((resolve, reject) => reserved.unsafe("begin").then(() => resolve(), reject));
    began.catch(() => {});
    let result: T;
    try {
      result = await fn(preparingStatements(reserved));
      await began;
    } catch (error) {
      await reserved.unsafe("rollback").catch(() => {});
      throw error;
    }
    await reserved.unsafe("commit");
    return result;
  } finally {
    reserved.release();
  }
}
