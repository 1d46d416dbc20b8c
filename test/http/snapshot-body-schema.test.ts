// The published snapshot body schema (what /openapi.json shows) and the hand validator the route runs
// agree on every generated body, valid or not, judged by a standard JSON Schema 2020-12 validator (ajv)
// that is taught the schema's three `x-` keywords exactly as src/http/snapshot-body-schema.ts defines them.
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "../../src/http/openapi.js";
import { HttpProblem } from "../../src/http/problem.js";
import { MAX_ROW_ID_CHARS, MAX_TAKEN_AT_AHEAD_MS } from "../../src/input/snapshot-body.js";
import { parseSnapshotBody } from "../../src/http/snapshot-body.js";
import { snapshotBodyJsonSchema } from "../../src/http/snapshot-body-schema.js";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const MAX_ROWS = 4;

function schemaValidator(idField: string) {
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  ajv.addKeyword({
    keyword: "x-unique-by",
    schemaType: "string",
    validate: (field: string, rows: unknown) => {
      if (!Array.isArray(rows)) return true;
      const ids = rows.flatMap((r) => (r !== null && typeof r === "object" && !Array.isArray(r) ? [(r as Record<string, unknown>)[field]] : []));
      const keyed = ids.filter((id) => typeof id === "string" || typeof id === "number");
      return new Set(keyed).size === keyed.length;
    },
  });
  ajv.addKeyword({
    keyword: "x-instant-range",
    schemaType: "array",
    validate: ([first, last]: [string, string], v: unknown) => typeof v !== "string" || (Date.parse(v) >= Date.parse(first) && Date.parse(v) <= Date.parse(last)),
  });
  ajv.addKeyword({
    keyword: "x-max-ahead-ms",
    schemaType: "number",
    validate: (ms: number, v: unknown) => typeof v !== "string" || !(Date.parse(v) > NOW.getTime() + ms),
  });
  return ajv.compile(snapshotBodyJsonSchema({ idField, maxRows: MAX_ROWS }));
}

function handValid(body: unknown, idField: string): boolean {
  try {
    parseSnapshotBody(body, idField, MAX_ROWS, NOW);
    return true;
  } catch (error) {
    if (error instanceof HttpProblem) return false;
    throw error;
  }
}

const repeat = (unit: string) => fc.integer({ min: MAX_ROW_ID_CHARS - 2, max: MAX_ROW_ID_CHARS + 2 }).map((n) => unit.repeat(n));
const id = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom("0", "1", "2", "a", ""),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  repeat("a"),
  repeat("é"),
  repeat("😀"), // two UTF-16 units, one character
  fc.constantFrom(null, true, undefined),
  fc.constant({ nested: 1 }),
);
const row = (idField: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ [idField]: id, v: fc.integer() }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.constantFrom(null, 3, "row", [] as unknown[]) },
  );
const offsetInstant = fc.tuple(fc.integer({ min: -20 * 60_000, max: 20 * 60_000 }), fc.constantFrom("Z", "+00:00", "+05:30", "-08:00")).map(([delta, zone]) => {
  const at = new Date(NOW.getTime() + delta).toISOString();
  return zone === "Z" ? at : at.replace("Z", zone);
});
const takenAt = fc.oneof(
  offsetInstant,
  fc.constantFrom(
    "0000-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:59:59.999Z",
    "9999-12-31T23:00:00-01:00",
    "2026-06-01T12:00Z",
    "2026-06-01 12:00:00Z",
    "2026-06-01t12:00:00z",
    "2026-06-01T12:00:00",
    "2026-02-30T12:00:00Z",
    "2026-06-01T12:00:00.123456789Z",
  ),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(0, null, true),
);
// Bodies near the valid side, so that both answers are common: distinct good ids, a good metric and time.
const likelyValid = (idField: string) =>
  fc.record(
    {
      rows: fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom("a", "b", "1", "😀".repeat(MAX_ROW_ID_CHARS))), { maxLength: MAX_ROWS + 1 }).map((ids) => ids.map((i) => ({ [idField]: i }))),
      primary_metric: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)),
      taken_at: offsetInstant,
    },
    { requiredKeys: ["rows"] },
  );
const body = (idField: string) =>
  fc.oneof(
    { weight: 6, arbitrary: likelyValid(idField) },
    { weight: 8, arbitrary: fc.record({ rows: fc.oneof({ weight: 8, arbitrary: fc.array(row(idField), { maxLength: MAX_ROWS + 1 }) }, { weight: 1, arbitrary: fc.constantFrom(null, {}, "rows") }), primary_metric: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(null, "1", false)), taken_at: takenAt, extra: fc.jsonValue() }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.jsonValue() },
  );

describe("the snapshot body's published schema", () => {
  it.each(["id", "key/with~specials"])("agrees with the hand validator on generated bodies (id_field %s)", (idField) => {
    const validate = schemaValidator(idField);
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(body(idField), (value) => {
        const byHand = handValid(value, idField);
        const bySchema = validate(value);
        if (byHand) valid++;
        else invalid++;
        return byHand === bySchema;
      }),
      { numRuns: 3000 },
    );
    // Both sides of the boundary were exercised, not one of them only.
    expect(valid).toBeGreaterThan(300);
    expect(invalid).toBeGreaterThan(300);
  });

  it("is what /openapi.json publishes, with the hub's MAX_ROWS and its limits", () => {
    const published = buildOpenApi("t", { maxRows: 1234 }).paths["/api/dashboard/{id}/snapshot"].post.requestBody.content["application/json"].schema;
    expect(published).toEqual(snapshotBodyJsonSchema({ idField: "id", maxRows: 1234 }));
    expect(published.properties.rows.maxItems).toBe(1234);
    expect(published.properties.rows.items.properties.id?.anyOf[0]).toEqual({ type: "string", maxLength: MAX_ROW_ID_CHARS });
    expect(published.properties.taken_at["x-max-ahead-ms"]).toBe(MAX_TAKEN_AT_AHEAD_MS);
  });
});
