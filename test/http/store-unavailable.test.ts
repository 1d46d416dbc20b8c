// A database that will not take a request (here: out of connections for the hub's role, SQLSTATE 53300)
// answers 503 `unavailable` with Retry-After, not 500; the refused request changes nothing, and the hub
// serves again once the database does.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isStoreUnavailable } from "../../src/store/store-unavailable.js";
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

    // No new connection for the hub's role, and the ones it holds are cut: its next query must reconnect.
    await admin.unsafe(`alter role ${role} connection limit 0`);
    await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where usename = '${role}'`);
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

describe("isStoreUnavailable", () => {
  it("knows connection failures and resource states, through drizzle's cause, and nothing else", () => {
    const wrapped = (code: string) => Object.assign(new Error("Failed query"), { cause: Object.assign(new Error("x"), { code }) });
    for (const code of ["ECONNREFUSED", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "08006", "53300", "57P01", "57P03"]) {
      expect(isStoreUnavailable(wrapped(code)), code).toBe(true);
    }
    for (const code of ["23505", "22P02", "40001", "57014", "XX000"]) expect(isStoreUnavailable(wrapped(code)), code).toBe(false);
    expect(isStoreUnavailable(new Error("plain"))).toBe(false);
    expect(isStoreUnavailable(null)).toBe(false);
  });
});
