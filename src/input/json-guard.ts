// JSON.parse accepts what PostgreSQL and the diff cannot use: 1e400 (Infinity), "\u0000", lone surrogates,
// and nesting deep enough to exhaust a recursive reader later. One walk finds the first of each.
import type { FieldError } from "./field-error.js";

export const MAX_JSON_DEPTH = 32;

export const escapeToken = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

const badString = (s: string) => s.includes("\u0000") || !s.isWellFormed();

/**
 * Recursion is bounded by `maxDepth`, so it cannot exhaust the stack. Nothing is allocated per value: a
 * 100 000-row body holds a million of them, and the pointer is needed only for the one that fails, so it
 * is built on the way back up (`path` collects the keys innermost first).
 */
function walk(value: unknown, depth: number, maxDepth: number, path: (string | number)[]): string | null {
  if (typeof value === "number") return Number.isFinite(value) ? null : "number is out of range";
  if (typeof value === "string") return badString(value) ? "string holds a NUL character or a lone surrogate" : null;
  if (value === null || typeof value !== "object") return null;
  if (depth >= maxDepth) return `nesting deeper than ${maxDepth} levels`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = walk(value[i], depth + 1, maxDepth, path);
      if (bad !== null) {
        path.push(i);
        return bad;
      }
    }
    return null;
  }
  const object = value as Record<string, unknown>;
  // An object's member names are judged before anything inside it.
  for (const key in object) {
    if (badString(key)) {
      path.push(key);
      return "member name holds a NUL character or a lone surrogate";
    }
  }
  for (const key in object) {
    const bad = walk(object[key], depth + 1, maxDepth, path);
    if (bad !== null) {
      path.push(key);
      return bad;
    }
  }
  return null;
}

export function checkJson(root: unknown, maxDepth = MAX_JSON_DEPTH): FieldError | null {
  const path: (string | number)[] = [];
  const detail = walk(root, 0, maxDepth, path);
  return detail === null ? null : { pointer: pointerOf(path.reverse()), detail };
}

export const pointerOf = (path: readonly PropertyKey[]) =>
  path.map((p) => `/${escapeToken(String(p))}`).join("");
