// Snapshot bodies are checked by hand: up to MAX_ROWS rows make a schema library's per-row cost visible,
// and the pointers must name the exact row.
import { z } from "zod";
import type { Row } from "../core/types.js";
import { escapeToken } from "./json-guard.js";
import type { FieldError } from "./problem.js";
import { HttpProblem, validationProblem } from "./problem.js";

export interface SnapshotBody {
  rows: Row[];
  primary_metric: number | null;
  taken_at: Date | null;
}

const MAX_ERRORS = 50;
const isoDateTime = z.iso.datetime({ offset: true });
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export function parseSnapshotBody(value: unknown, idField: string, maxRows: number): SnapshotBody {
  if (!isObject(value)) throw validationProblem([{ pointer: "", detail: "body must be a JSON object" }]);
  const errors: FieldError[] = [];
  const { rows, primary_metric, taken_at } = value;

  if (!Array.isArray(rows)) {
    errors.push({ pointer: "/rows", detail: rows === undefined ? "is required" : "must be an array of objects" });
  } else {
    if (rows.length > maxRows) throw new HttpProblem("payload-too-large", `a snapshot holds at most ${maxRows} rows; this one has ${rows.length}`);
    checkRows(rows, idField, errors);
  }
  if (primary_metric !== undefined && primary_metric !== null && typeof primary_metric !== "number") {
    errors.push({ pointer: "/primary_metric", detail: "must be a number or null" });
  }
  if (taken_at !== undefined && (typeof taken_at !== "string" || !isoDateTime.safeParse(taken_at).success)) {
    errors.push({ pointer: "/taken_at", detail: "must be an ISO 8601 date-time with a time zone" });
  }
  if (errors.length > 0) throw validationProblem(errors);
  return {
    rows: rows as Row[],
    primary_metric: typeof primary_metric === "number" ? primary_metric : null,
    taken_at: typeof taken_at === "string" ? new Date(taken_at) : null,
  };
}

function checkRows(rows: unknown[], idField: string, errors: FieldError[]): void {
  // 1 and "1" are different ids: the key keeps the JSON type.
  const seen = new Set<string>();
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
    const key = typeof id === "number" ? `n${id}` : `s${id}`;
    if (seen.has(key)) errors.push({ pointer: `/rows/${i}/${idToken}`, detail: `duplicate id ${JSON.stringify(id)}` });
    seen.add(key);
  }
}
