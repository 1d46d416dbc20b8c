// A snapshot body as the route takes it: src/input/snapshot-body.ts judges it, this maps a refusal to
// problem+json (413 for too many rows, 422 with pointers for the rest).
import { describeSnapshotBodyError, readSnapshotBody, type SnapshotBody } from "../input/snapshot-body.js";
import { HttpProblem, validationProblem } from "./problem.js";

export function parseSnapshotBody(value: unknown, idField: string, maxRows: number, now: Date): SnapshotBody {
  const result = readSnapshotBody(value, idField, maxRows, now);
  if (result.ok) return result.value;
  if (result.error.kind === "invalid") throw validationProblem(result.error.errors);
  throw new HttpProblem("payload-too-large", describeSnapshotBodyError(result.error));
}
