// Zod results to problem+json: every issue becomes a JSON Pointer under an optional prefix.
import type { z } from "zod";
import { pointerOf } from "../input/json-guard.js";
import { type FieldError, validationProblem } from "./problem.js";

export function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix = ""): FieldError[] {
  return issues.map((i) => {
    // A missing member points at the member itself; zod reports unknown keys on the parent.
    const keys = i.code === "unrecognized_keys" ? [...i.path, i.keys[0] ?? ""] : i.path;
    return { pointer: prefix + pointerOf(keys), detail: i.message };
  });
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(issuesToErrors(result.error.issues, prefix));
  return result.data;
}

/** Query parameters: only the last value of a repeated name counts; errors point at /query/<name>. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.output<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  // A parameter is one value on the wire, so the pointer stops at its name.
  const errors = result.error.issues.map((i) => ({ pointer: `/query${pointerOf(i.path.slice(0, 1))}`, detail: i.message }));
  throw validationProblem(errors.filter((e, n) => errors.findIndex((o) => o.pointer === e.pointer) === n));
}
