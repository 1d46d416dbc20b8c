// The hub's whole log output, while requests make the store fail (a constraint, then a closed pool)
// and webhook subscriptions are made with secrets: no secret, token or query parameter value in it.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, serializeError } from "../../src/logger.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const tag = randomBytes(6).toString("hex");
// Values that travel as query parameters; each is long and unique, so finding one in the log means it leaked.
const made = {
  name: `name-${tag}-param`,
  hook: `https://hooks.example.com/services/T0${tag}/B0${tag}/hookpath${tag}`,
  fallbackHook: `https://fallback.example.com/hook/${tag}`,
  email: `mail-${tag}@example.com`,
  rowValue: `row-value-${tag}`,
  persona: `persona-${tag}`,
  key: `idem-${tag}-key`,
};
const secrets: string[] = [];
let lines = "";
let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp({
    logger: createLogger({ level: "trace", destination: { write: (line: string) => void (lines += line) } }),
    maxRows: 1000,
    maxBodyBytes: 1 << 20,
  });
  token = await t.token({ sub: made.persona, roles: ["admin"] });
});
afterAll(async () => {
  // The test closes the database itself. Closing PostgreSQL's pool again is harmless; PGlite refuses a
  // second close ("PGlite is closed"), and its in-memory database has nothing left to drop.
  await t?.close().catch((error: unknown) => {
    if (!/closed/i.test(String(error))) throw error;
  });
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  return { status: res.status, body: json };
}

const webhook = (url: string) => ({ subscriber_kind: "webhook", subscriber_id: url, threshold_json: { set_added_min: 1 } });

describe("the log while the store fails", () => {
  it("holds the errors, but no secret, token or parameter value", async () => {
    expect((await call("POST", "/api/dashboard", { id: "logged", name: made.name })).status).toBe(201);
    for (const body of [
      webhook(made.hook),
      { subscriber_kind: "persona", subscriber_id: made.persona, threshold_json: { set_added_min: 1 }, fallback: { after_ms: 1000, webhook_url: made.fallbackHook, email: made.email } },
    ]) {
      const res = await call("POST", "/api/dashboard/logged/subscriptions", body);
      expect(res.status).toBe(201);
      secrets.push(...[res.body!.secret, res.body!.fallback_secret].filter((s): s is string => typeof s === "string"));
    }
    expect(secrets).toHaveLength(2);

    // A constraint that refuses every new subscription and snapshot: the insert fails with its
    // parameters (a fresh whsec_ secret, the URL, the rows) in the driver's error.
    await t.database.db.execute(sql.raw("alter table subscriptions add constraint refuse_new check (created_at < '2000-01-01') not valid"));
    await t.database.db.execute(sql.raw("alter table snapshots add constraint refuse_new_snapshot check (row_count < 0) not valid"));
    expect((await call("POST", "/api/dashboard/logged/subscriptions", webhook(`${made.hook}/again`))).status).toBe(500);
    const snapshot = await call("POST", "/api/dashboard/logged/snapshot", { rows: [{ id: made.rowValue, label: made.rowValue }] }, { "idempotency-key": made.key });
    expect(snapshot.status).toBe(500);

    // A closed pool: every query fails, each with its parameters. It will not come back, so it is a 500.
    await t.database.close();
    const failing = [
      call("GET", `/api/dashboard/logged/events?persona=${made.persona}&from=2020-01-01T00:00:00Z`),
      call("POST", "/api/dashboard/logged/subscriptions", webhook(`${made.hook}/third`)),
      call("PATCH", "/api/dashboard/logged", { name: `${made.name}-2` }),
    ];
    for (const res of await Promise.all(failing)) expect(res.status).toBe(500);

    const errors = lines.split("\n").filter((l) => l.includes('"unhandled error"'));
    expect(errors.length).toBeGreaterThanOrEqual(5);
    // Still useful: the statement, the database's error class and the constraint.
    expect(lines).toContain("Failed query: insert into \\\"subscriptions\\\"");
    expect(lines).toMatch(/"constraint(_name)?":"refuse_new"/);
    expect(lines).toContain('"code":"23514"');

    const leaked = [...Object.values(made), ...secrets, token, "whsec_"].filter((v) => lines.includes(v));
    expect(leaked).toEqual([]);
  });
});

describe("serializeError", () => {
  it("keeps the statement and the error class, and cuts values the database repeats", () => {
    const cause = Object.assign(new Error('invalid input syntax for type uuid: "not-a-uuid-value"'), { code: "22P02", detail: "Key (id)=(not-a-uuid-value)", routine: "string_to_uuid" });
    const error = new DrizzleQueryError("select * from snapshots where id = $1 and note = $2", ["not-a-uuid-value", "whsec_c2VjcmV0LXNlY3JldA"], cause);
    const text = JSON.stringify(serializeError(error));
    expect(text).toContain("select * from snapshots where id = $1");
    expect(text).toContain('"code":"22P02"');
    expect(text).toContain("string_to_uuid");
    expect(text).not.toContain("not-a-uuid-value");
    expect(text).not.toContain("whsec_");
    expect(text).not.toContain("Key (id)");
  });
});
