// Reads a JSON body once the size limit (enforced by the bodyLimit middleware, chunked bodies included)
// has let it through.
import type { Context } from "hono";
import { checkJson } from "../input/json-guard.js";
import { HttpProblem, validationProblem } from "./problem.js";

export interface JsonBody {
  value: unknown;
  text: string;
}

export async function readJson(c: Context): Promise<JsonBody> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem("malformed-json", `request body is not valid JSON: ${(error as Error).message}`.slice(0, 300));
  }
  const bad = checkJson(value);
  if (bad) throw validationProblem([bad]);
  return { value, text };
}
