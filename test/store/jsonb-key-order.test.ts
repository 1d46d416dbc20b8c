// The event text writes object keys in jsonb's order (src/event-text.ts), so a live frame and the frame a
// replay builds from the stored jsonb are the same bytes. jsonb orders by UTF-8 length, then bytes:
// checked here against PostgreSQL itself, non-ASCII keys included.
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/event-text.js";
import { openDatabase, query, type Database } from "../../src/store/database.js";
import { createPostgresDatabase, type TestDatabase } from "../helpers/test-database.js";

let pg: TestDatabase & { url: string };
let database: Database;
beforeAll(async () => {
  pg = await createPostgresDatabase();
  database = await openDatabase({ databaseUrl: pg.url, poolSize: 1 });
});
afterAll(async () => {
  await database?.close();
  await pg?.drop();
});

const storedOrder = async (object: Record<string, number>) =>
  (await query<{ k: string }>(database.db, sql`select k from jsonb_object_keys(${JSON.stringify(object)}::jsonb) as k`)).map((r) => r.k);

describe("canonicalJson's key order", () => {
  it("is jsonb's for keys where UTF-16 and UTF-8 orders differ", async () => {
    // "é" is one UTF-16 unit but two UTF-8 bytes, so jsonb puts it after "z" and with "ab"; "\uffff" is one
    // unit and three bytes, "𐀀" two units and four bytes.
    const object = { é: 1, ab: 2, z: 3, "日本": 4, "\uffff": 5, "𐀀": 6, aa: 7 };
    expect(Object.keys(JSON.parse(canonicalJson(object)))).toEqual(await storedOrder(object));
  });

  it("is jsonb's for generated keys", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.string({ unit: "grapheme", maxLength: 4 }), { maxLength: 8 }), async (keys) => {
        const object = Object.fromEntries(keys.map((k, i) => [k, i]));
        expect(Object.keys(JSON.parse(canonicalJson(object)))).toEqual(await storedOrder(object));
      }),
      { numRuns: 60 },
    );
  });
});
