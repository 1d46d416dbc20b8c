// Snapshot bodies are checked by hand: up to MAX_ROWS rows make a schema library's per-row cost visible,
// and the pointers must name the exact row. Pure: the route maps a refusal to problem+json, the scheduler
// logs it.
import { IdIndex } from "../core/id-index.js";
import type { Row } from "../core/types.js";
import { describeFieldErrors, type FieldError } from "./field-error.js";
import { isoInstant } from "./instant.js";
import { escapeToken } from "./json-guard.js";

export interface SnapshotBody {
  rows: Row[];
  primary_metric: number | null;
  taken_at: Date | null;
}

export type SnapshotBodyError = { kind: "invalid"; errors: FieldError[] } | { kind: "too-many-rows"; rows: number; maxRows: number };

export type SnapshotBodyResult = { ok: true; value: SnapshotBody } | { ok: false; error: SnapshotBodyError };

const MAX_ERRORS = 50;
/** CONTRACT "Limits and hardening, version 2": longer string ids are refused. */
export const MAX_ROW_ID_CHARS = 256;
/** A `taken_at` further ahead of the hub's clock than this is refused: it would fix the dashboard's timeline in the future. */
export const MAX_TAKEN_AT_AHEAD_MS = 5 * 60_000;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Characters are code points; the UTF-16 length is an upper bound, so only long ids are counted. */
const tooLong = (id: string) => id.length > MAX_ROW_ID_CHARS && [...id].length > MAX_ROW_ID_CHARS;

const invalid = (errors: FieldError[]): SnapshotBodyResult => ({ ok: false, error: { kind: "invalid", errors } });

/** `now` is the hub's clock; without it (a scheduled snapshot, which has no taken_at) nothing is checked ahead. */
export function readSnapshotBody(value: unknown, idField: string, maxRows: number, now?: Date): SnapshotBodyResult {
  if (!isObject(value)) return invalid([{ pointer: "", detail: "body must be a JSON object" }]);
  const errors: FieldError[] = [];
  const { rows, primary_metric, taken_at } = value;

  if (!Array.isArray(rows)) {
    errors.push({ pointer: "/rows", detail: rows === undefined ? "is required" : "must be an array of objects" });
  } else {
    if (rows.length > maxRows) return { ok: false, error: { kind: "too-many-rows", rows: rows.length, maxRows } };
    checkRows(rows, idField, errors);
  }
  if (primary_metric !== undefined && primary_metric !== null && typeof primary_metric !== "number") {
    errors.push({ pointer: "/primary_metric", detail: "must be a number or null" });
  }
  let takenAt: Date | null = null;
  if (taken_at !== undefined) {
    // Years 1 to 9999 only, as for query instants: PostgreSQL refuses the rest (a 500 before).
    if (typeof taken_at !== "string" || !isoInstant.safeParse(taken_at).success) {
      errors.push({ pointer: "/taken_at", detail: "must be an ISO 8601 date-time with a time zone, from year 0001 to 9999 (UTC)" });
    } else {
      takenAt = new Date(taken_at);
      if (now && takenAt.getTime() > now.getTime() + MAX_TAKEN_AT_AHEAD_MS) {
        errors.push({ pointer: "/taken_at", detail: `is more than ${MAX_TAKEN_AT_AHEAD_MS / 60_000} minutes ahead of the hub's clock (${now.toISOString()})` });
      }
    }
  }
  if (errors.length > 0) return invalid(errors);
  return { ok: true, value: { rows: rows as Row[], primary_metric: typeof primary_metric === "number" ? primary_metric : null, taken_at: takenAt } };
}

/** The refusal in one line: a problem's `detail`, a skipped source's error. */
export function describeSnapshotBodyError(error: SnapshotBodyError): string {
  return error.kind === "invalid" ? describeFieldErrors(error.errors) : `a snapshot holds at most ${error.maxRows} rows; this one has ${error.rows}`;
}

function checkRows(rows: unknown[], idField: string, errors: FieldError[]): void {
  // 1 and "1" are different ids: the index compares with ===.
  const seen = new IdIndex(rows.length);
  const idToken = escapeToken(idField);
  for (let i = 0; i < rows.length && errors.length < MAX_ERRORS; i++) {
    const row = rows[i];
    if (!isObject(row)) {
      errors.push({ pointer: `/rows/${i}`, detail: "must be an object" });
      continue;
    }
    const id = row[idField];
    if (typeof id !== "string" && typeof id !== "number") {
      errors.push({ pointer: `/rows/${i}/${idToken}`, detail: id === undefined ? "is required" : "must be a string or a number" });
      continue;
    }
    if (typeof id === "string" && tooLong(id)) {
      errors.push({ pointer: `/rows/${i}/${idToken}`, detail: `must be at most ${MAX_ROW_ID_CHARS} characters` });
      continue;
    }
    if (!seen.add(id)) errors.push({ pointer: `/rows/${i}/${idToken}`, detail: `duplicate id ${JSON.stringify(id)}` });
  }
}
