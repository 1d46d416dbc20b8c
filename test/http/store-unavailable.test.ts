// A database that will not take a request (here: out of connections for the hub's role, SQLSTATE 53300)
// answers 503 `unavailable` with Retry-After where a retry is safe: any read, and a write refused before
// any statement ran. The refused request changes nothing, and the hub serves again once the database does.
import { DrizzleQueryError } from "drizzle-orm/errors";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retrySafe, storeFailure } from "../../src/store/store-unavailable.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const role = `dw_unavailable_${process.pid}`;
let pg: TestDatabase & { url: string };
let admin: postgres.Sql;
let t: TestApp;
let token: string;

beforeAll(async () => {
  pg = await createPostgresDatabase();
  admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  // Not a superuser: a role's connection limit does not bind superusers.
  await admin.unsafe(`drop role if exists ${role}`);
  await admin.unsafe(`create role ${role} login`);
  await admin.unsafe(`alter database ${new URL(pg.url).pathname.slice(1)} owner to ${role}`);
  const url = new URL(pg.url);
  url.username = role;
  t = await createTestApp({ databaseUrl: url.toString() });
  token = await t.token({ sub: "pub", roles: ["publisher"] });
});
afterAll(async () => {
  await t?.close();
  await pg?.drop();
  await admin?.unsafe(`drop role if exists ${role}`);
  await admin?.end();
});

const post = (rows: unknown[]) => t.call("POST", "/api/dashboard/u/snapshot", { token, body: { rows } });

describe("a store that cannot take requests", () => {
  it("answers 503 unavailable with Retry-After, changes nothing, and serves again when the database does", async () => {
    expect((await t.call("POST", "/api/dashboard", { token, body: { id: "u" } })).status).toBe(201);
    expect((await post([{ id: "a", v: 1 }])).status).toBe(201);

    // No new connection for the hub's role, and the ones it holds are cut.
    const held = (await admin.unsafe(`select 1 from pg_stat_activity where usename = '${role}'`)).length;
    await admin.unsafe(`alter role ${role} connection limit 0`);
    await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where usename = '${role}'`);
    while ((await admin.unsafe(`select 1 from pg_stat_activity where usename = '${role}'`)).length > 0);
    // The pool learns of each cut connection by using it: a read that meets one may be retried (503).
    // Idle connections are used before new ones are opened, so after `held` reads none is left.
    for (let i = 0; i < held; i++) {
      const read = await t.call("GET", "/api/dashboard/u/events", { token });
      expect(read.status).toBe(503);
    }
    // A write refused before any statement ran: safe to retry, so 503 too.
    const refused = await post([{ id: "a", v: 2 }]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.body).toMatchObject({ type: "https://dashwatch.dev/problems/unavailable", status: 503 });

    await admin.unsafe(`alter role ${role} connection limit -1`);
    expect((await post([{ id: "a", v: 3 }])).status).toBe(201);
    const events = await t.call("GET", "/api/dashboard/u/events", { token });
    const snapshots = (events.body.events as { kind: string }[]).filter((e) => e.kind === "snapshot.created");
    expect(snapshots, "the refused snapshot left nothing").toHaveLength(2);
  });
});

describe("storeFailure", () => {
  const pgError = (code: string) => Object.assign(new Error("x"), { name: "PostgresError", code });
  const socketError = (code: string) => Object.assign(new Error("x"), { code, address: "127.0.0.1" });
  const wrapped = (cause: Error) => Object.assign(new Error("Failed query"), { cause });

  it("tells refused from lost, for the database's own errors and through drizzle's cause", () => {
    for (const code of ["53300", "57P03", "08001"]) expect(storeFailure(wrapped(pgError(code))), code).toBe("refused");
    for (const code of ["ECONNREFUSED", "CONNECT_TIMEOUT"]) expect(storeFailure(socketError(code)), code).toBe("refused");
    for (const code of ["57P01", "08006"]) expect(storeFailure(wrapped(pgError(code))), code).toBe("lost");
    for (const code of ["CONNECTION_CLOSED", "ECONNRESET"]) expect(storeFailure(wrapped(socketError(code))), code).toBe("lost");
    // A socket read that failed under a query: no address on the error, but the query's connection broke.
    const readReset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" });
    expect(storeFailure(new DrizzleQueryError("select 1", [], readReset))).toBe("lost");
  });

  it("is null for bugs, for states a retry would meet again, for this process's own closed pool, and for a client's abort", () => {
    for (const code of ["23505", "22P02", "40001", "08P01", "53200", "53400", "XX000"]) expect(storeFailure(wrapped(pgError(code))), code).toBeNull();
    expect(storeFailure(socketError("CONNECTION_ENDED"))).toBeNull();
    // A request body cut off by its client: ECONNRESET, but not from the database.
    expect(storeFailure(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))).toBeNull();
    expect(storeFailure(new Error("plain"))).toBeNull();
    expect(storeFailure(null)).toBeNull();
  });

  it("lets a request be retried when nothing ran, or when it was a read", () => {
    expect(retrySafe("refused", "POST")).toBe(true);
    expect(retrySafe("lost", "GET")).toBe(true);
    expect(retrySafe("lost", "POST"), "a write may have committed").toBe(false);
    expect(retrySafe(null, "GET")).toBe(false);
  });
});
