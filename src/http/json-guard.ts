// JSON.parse accepts what PostgreSQL and the diff cannot use: 1e400 (Infinity), "\u0000", lone surrogates,
// and nesting deep enough to exhaust a recursive reader later. One iterative walk finds the first of each.
import type { FieldError } from "./problem.js";

export const MAX_JSON_DEPTH = 32;

export const escapeToken = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

const badString = (s: string) => s.includes("\u0000") || !s.isWellFormed();

export function checkJson(root: unknown, maxDepth = MAX_JSON_DEPTH): FieldError | null {
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: root, pointer: "", depth: 0 }];
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop()!;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return { pointer, detail: "number is out of range" };
    } else if (typeof value === "string") {
      if (badString(value)) return { pointer, detail: "string holds a NUL character or a lone surrogate" };
    } else if (value !== null && typeof value === "object") {
      if (depth >= maxDepth) return { pointer, detail: `nesting deeper than ${maxDepth} levels` };
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], pointer: `${pointer}/${i}`, depth: depth + 1 });
      } else {
        for (const [key, child] of Object.entries(value)) {
          const childPointer = `${pointer}/${escapeToken(key)}`;
          if (badString(key)) return { pointer: childPointer, detail: "member name holds a NUL character or a lone surrogate" };
          stack.push({ value: child, pointer: childPointer, depth: depth + 1 });
        }
      }
    }
  }
  return null;
}

export const pointerOf = (path: readonly PropertyKey[]) =>
  path.map((p) => `/${escapeToken(String(p))}`).join("");
