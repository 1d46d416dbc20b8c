// Checks of single rule members, each reporting at the member's own JSON Pointer, as the contract requires.
import type { CompareOp, Direction, RowId, RuleIssue } from "./types.js";

/** CONTRACT "Rules, version 2": `ids` holds 1..1000 row ids. */
export const MAX_RULE_IDS = 1000;
/** A string row id is at most 256 characters (code points), as in a snapshot's rows. */
export const MAX_RULE_ID_CHARS = 256;

export const DIRECTIONS: readonly Direction[] = ["up", "down", "any"];
export const COMPARE_OPS: readonly CompareOp[] = ["gt", "gte", "lt", "lte", "eq", "neq"];

export interface Issues {
  issues: RuleIssue[];
}

export function escapeToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}

export interface NumberSpec {
  ok: (n: number) => boolean;
  want: string;
}

export const FRACTION: NumberSpec = { ok: (n) => n >= 0, want: "a finite number ≥ 0 (a fraction: 0.1 is 10 %)" };
export const COUNT: NumberSpec = { ok: (n) => Number.isInteger(n) && n >= 1, want: "an integer ≥ 1" };
export const FINITE: NumberSpec = { ok: () => true, want: "a finite number" };

export function rankSpec(topN: number): NumberSpec {
  return { ok: (n) => Number.isInteger(n) && n >= 1 && n <= topN, want: `an integer from 1 to the dashboard's top_n (${topN})` };
}

/** A number out of range (`1e400` parses to Infinity) is refused at its member. */
export function checkNumber(walk: Issues, pointer: string, value: unknown, spec: NumberSpec): number {
  if (typeof value === "number" && Number.isFinite(value) && spec.ok(value)) return value;
  walk.issues.push({ pointer, detail: `must be ${spec.want}` });
  return Number.NaN;
}

export function checkField(walk: Issues, pointer: string, value: unknown): string {
  if (typeof value === "string" && value.length > 0) return value;
  walk.issues.push({ pointer, detail: "must be a non-empty string naming a row field" });
  return "";
}

export function checkChoice<T extends string>(walk: Issues, pointer: string, value: unknown, choices: readonly T[]): T {
  if (typeof value === "string" && (choices as readonly string[]).includes(value)) return value as T;
  walk.issues.push({ pointer, detail: `must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}` });
  return choices[0]!;
}

const tooLong = (id: string) => id.length > MAX_RULE_ID_CHARS && [...id].length > MAX_RULE_ID_CHARS;

/** 1..1000 ids, each a string of at most 256 characters or a finite number; each bad one at `/ids/<k>`. */
export function checkIds(walk: Issues, pointer: string, value: unknown): RowId[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_RULE_IDS) {
    walk.issues.push({ pointer, detail: `must be an array of 1 to ${MAX_RULE_IDS} row ids` });
    return [];
  }
  const ids: RowId[] = [];
  value.forEach((id: unknown, k) => {
    if ((typeof id === "string" && !tooLong(id)) || (typeof id === "number" && Number.isFinite(id))) ids.push(id);
    else walk.issues.push({ pointer: `${pointer}/${k}`, detail: `must be a row id: a string of at most ${MAX_RULE_ID_CHARS} characters or a number` });
  });
  return ids;
}

/** Refuses every member of `json` not named in `allowed`, each at its own pointer. */
export function refuseOthers(walk: Issues, json: Record<string, unknown>, allowed: readonly string[], pointer: string, what: string): void {
  for (const key of Object.keys(json)) {
    if (!allowed.includes(key)) walk.issues.push({ pointer: `${pointer}/${escapeToken(key)}`, detail: `is not a member of ${what}` });
  }
}

/**
 * `{[key]: check(value)}` when the member is present, `{}` when it is absent, so a validated rule holds
 * exactly the members given. An explicit `null` is checked (and refused), not taken for absence.
 */
export function checkOptional<K extends string, T>(json: Record<string, unknown>, key: K, check: (value: unknown) => T): { [P in K]?: T } {
  return (json[key] === undefined ? {} : { [key]: check(json[key]) }) as { [P in K]?: T };
}
