// The published JSON Schema of a snapshot body, built from the limits the hand validator
// (snapshot-body.ts, which stays by hand for speed) enforces. test/http/snapshot-body-schema.test.ts runs
// both on generated bodies and fails when they disagree.
//
// What JSON Schema cannot say is in `x-` keywords (OpenAPI 3.1 allows them in a schema), with the same
// meaning the validator gives them:
// - `x-unique-by`: on `rows`, no two rows hold the same value (===: 1 and "1" differ) under that field;
// - `x-instant-range`: on `taken_at`, the instant, its offset applied, lies in [first, last] (UTC);
// - `x-max-ahead-ms`: on `taken_at`, at most that far ahead of the hub's clock at receipt.
import { z } from "zod";
import { INSTANT_RANGE } from "../input/instant.js";
import { MAX_ROW_ID_CHARS, MAX_TAKEN_AT_AHEAD_MS } from "../input/snapshot-body.js";

// The text form isoInstant accepts, from zod itself: the pattern a JSON Schema validator checks is the
// regular expression the hub runs. No `format: "date-time"`: RFC 3339 needs seconds, the hub does not.
const TAKEN_AT_PATTERN = (z.toJSONSchema(z.iso.datetime({ offset: true })) as { pattern: string }).pattern;

export interface SnapshotBodySchemaOptions {
  /** The dashboard's id_field; the published document shows the default, `id`. */
  idField: string;
  /** MAX_ROWS: more rows are refused with 413 rather than 422. */
  maxRows: number;
}

export function snapshotBodyJsonSchema({ idField, maxRows }: SnapshotBodySchemaOptions) {
  return {
    type: "object",
    required: ["rows"],
    properties: {
      rows: {
        type: "array",
        maxItems: maxRows,
        "x-unique-by": idField,
        description: `Ordered rows, each an object with an id under the dashboard's id_field (here "${idField}"): a string of at most ${MAX_ROW_ID_CHARS} characters or a number, unique in the snapshot (x-unique-by). More than ${maxRows} rows (MAX_ROWS) → 413.`,
        items: {
          type: "object",
          required: [idField],
          properties: { [idField]: { anyOf: [{ type: "string", maxLength: MAX_ROW_ID_CHARS }, { type: "number" }] } },
        },
      },
      primary_metric: { type: ["number", "null"], description: "Wins over the dashboard's primary_metric_field." },
      taken_at: {
        type: "string",
        pattern: TAKEN_AT_PATTERN,
        "x-instant-range": [...INSTANT_RANGE],
        "x-max-ahead-ms": MAX_TAKEN_AT_AHEAD_MS,
        description: `ISO 8601 with a time zone, from year 0001 to 9999 (UTC), at most ${MAX_TAKEN_AT_AHEAD_MS / 60_000} minutes ahead of the hub's clock, not before the previous snapshot's; default: the time of receipt.`,
      },
    },
  };
}
