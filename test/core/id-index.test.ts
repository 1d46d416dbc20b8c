import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdIndex } from "../../src/core/id-index.js";
import type { RowId } from "../../src/core/types.js";
import { rowIdArb } from "./arbitraries.js";

describe("IdIndex", () => {
  it("behaves as a Map from id to first insertion position", () => {
    fc.assert(
      fc.property(fc.array(rowIdArb, { maxLength: 60 }), fc.integer({ min: 0, max: 80 }), (ids, capacity) => {
        const index = new IdIndex(capacity);
        const model = new Map<RowId, number>();
        for (const id of ids) {
          const fresh = !model.has(id);
          if (fresh) model.set(id, model.size);
          expect(index.add(id)).toBe(fresh);
        }
        expect(index.ids).toEqual([...model.keys()]);
        for (const id of [...ids, "absent", -99]) expect(index.get(id)).toBe(model.get(id) ?? -1);
      }),
    );
  });

  it("holds more ids than its capacity by moving long probes to the overflow", () => {
    const index = new IdIndex(1);
    const ids: RowId[] = Array.from({ length: 200 }, (_, k) => (k % 2 ? `id-${k}` : k * 1.5));
    for (const id of ids) expect(index.add(id)).toBe(true);
    for (const id of ids) expect(index.add(id)).toBe(false);
    ids.forEach((id, position) => expect(index.get(id)).toBe(position));
    expect(index.get("id-0")).toBe(-1);
  });

  it("tells 1 from \"1\" and takes -0 for 0", () => {
    const index = new IdIndex(4);
    index.add(1);
    index.add(0);
    expect([index.get("1"), index.get(1), index.get(-0), index.add(-0)]).toEqual([-1, 0, 1, false]);
  });
});
