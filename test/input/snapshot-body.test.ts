// The snapshot body judged without HTTP: a Result the route maps to problem+json and the scheduler logs.
import { describe, expect, it } from "vitest";
import { describeSnapshotBodyError, MAX_ROW_ID_CHARS, MAX_TAKEN_AT_AHEAD_MS, readSnapshotBody } from "../../src/input/snapshot-body.js";

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));
const now = new Date("2026-03-01T00:00:00Z");

describe("readSnapshotBody", () => {
  it("takes exactly maxRows rows and refuses one more, without throwing", () => {
    expect(readSnapshotBody({ rows: rows(3) }, "id", 3, now)).toMatchObject({ ok: true, value: { rows: rows(3), primary_metric: null, taken_at: null } });
    const over = readSnapshotBody({ rows: rows(4) }, "id", 3, now);
    expect(over).toEqual({ ok: false, error: { kind: "too-many-rows", rows: 4, maxRows: 3 } });
    if (!over.ok) expect(describeSnapshotBodyError(over.error)).toBe("a snapshot holds at most 3 rows; this one has 4");
  });

  it("names every bad row by pointer, and sums them up in one line", () => {
    const result = readSnapshotBody({ rows: [{ id: 1 }, { id: 1 }, { name: "x" }, "row"], primary_metric: "9" }, "id", 10, now);
    expect(result).toEqual({
      ok: false,
      error: {
        kind: "invalid",
        errors: [
          { pointer: "/rows/1/id", detail: "duplicate id 1" },
          { pointer: "/rows/2/id", detail: "is required" },
          { pointer: "/rows/3", detail: "must be an object" },
          { pointer: "/primary_metric", detail: "must be a number or null" },
        ],
      },
    });
    if (!result.ok) expect(describeSnapshotBodyError(result.error)).toBe("/rows/1/id: duplicate id 1; /rows/2/id: is required; /rows/3: must be an object; /primary_metric: must be a number or null");
    expect(readSnapshotBody([], "id", 10, now)).toEqual({ ok: false, error: { kind: "invalid", errors: [{ pointer: "", detail: "body must be a JSON object" }] } });
  });

  it("holds string ids to MAX_ROW_ID_CHARS code points and taken_at to MAX_TAKEN_AT_AHEAD_MS ahead", () => {
    expect(readSnapshotBody({ rows: [{ id: "é".repeat(MAX_ROW_ID_CHARS) }] }, "id", 10, now).ok).toBe(true);
    expect(readSnapshotBody({ rows: [{ id: "é".repeat(MAX_ROW_ID_CHARS + 1) }] }, "id", 10, now).ok).toBe(false);
    const at = (ms: number) => ({ rows: [], taken_at: new Date(now.getTime() + ms).toISOString() });
    expect(readSnapshotBody(at(MAX_TAKEN_AT_AHEAD_MS), "id", 10, now)).toMatchObject({ ok: true, value: { taken_at: new Date(now.getTime() + MAX_TAKEN_AT_AHEAD_MS) } });
    expect(readSnapshotBody(at(MAX_TAKEN_AT_AHEAD_MS + 1), "id", 10, now)).toMatchObject({ ok: false, error: { kind: "invalid" } });
    expect(readSnapshotBody(at(MAX_TAKEN_AT_AHEAD_MS + 1), "id", 10).ok, "without a clock nothing is checked ahead").toBe(true);
  });
});
