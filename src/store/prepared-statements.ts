// Named (prepared) statements for the drizzle postgres-js driver.
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
import type { Sql, TransactionSql } from "postgres";

export const MAX_PREPARED_PARAMETERS = 32;

type Client = Sql | TransactionSql;
type UnsafeOptions = { prepare?: boolean } | undefined;

export function preparingStatements<T extends Client>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "unsafe") {
        return (text: string, params?: unknown[], options?: UnsafeOptions) =>
          (value as Sql["unsafe"]).call(target, text, params as never, { ...options, prepare: (params?.length ?? 0) <= MAX_PREPARED_PARAMETERS });
      }
      // Transactions and savepoints hand their callback a client of their own: it prepares too.
      if (prop === "begin" || prop === "savepoint") {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: TransactionSql) => unknown;
          return (value as (...a: unknown[]) => unknown).call(target, ...args, (tx: TransactionSql) => fn(preparingStatements(tx)));
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
