// The caches' shared eviction rule (src/store/weighted-lru.ts): least recently used first, by weight.
import { describe, expect, it } from "vitest";
import { createWeightedLru } from "../../src/store/weighted-lru.js";

describe("createWeightedLru", () => {
  it("holds exactly its bound, evicts the least recently used past it, and tells of every removal", () => {
    const removed: string[] = [];
    const lru = createWeightedLru<string, number>(10, (key) => removed.push(key));
    lru.set("a", 1, 4);
    lru.set("b", 2, 3);
    lru.set("c", 3, 3);
    expect(lru.weight, "exactly the bound is held").toBe(10);
    expect(lru.get("a")).toBe(1); // a is now the newest
    lru.set("d", 4, 1);
    expect(removed, "one over the bound: the oldest (b) goes").toEqual(["b"]);
    expect(lru.peek("b")).toBeUndefined();
    lru.set("e", 5, 11);
    expect(lru.peek("e"), "heavier than the whole bound: not kept").toBeUndefined();
    lru.set("a", 6, 2);
    lru.delete("c");
    expect(removed).toEqual(["b", "a", "c"]);
    expect(lru.weight).toBe(3);
  });
});
