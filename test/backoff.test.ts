// The hub's one backoff: the exponential ceiling and the full-jitter draw under it.
import { describe, expect, it } from "vitest";
import { exponentialCeiling, fullJitterBackoff } from "../src/backoff.js";

describe("exponentialCeiling", () => {
  it("doubles from baseMs per attempt and stops at maxMs", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => exponentialCeiling(a, 500, 30_000))).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000]);
    expect(exponentialCeiling(10_000, 500, 30_000), "a huge attempt count does not overflow to Infinity").toBe(30_000);
  });
});

describe("fullJitterBackoff", () => {
  it("draws below the ceiling, never under the 10 ms floor", () => {
    expect(fullJitterBackoff({ baseMs: 50, maxMs: 5000, random: () => 0 })(3)).toBe(10);
    expect(fullJitterBackoff({ baseMs: 50, maxMs: 5000, random: () => 0.999_999 })(3)).toBe(399);
    expect(fullJitterBackoff({ baseMs: 50, maxMs: 5000, random: () => 0.5 })(40)).toBe(2500);
  });

  it("refuses settings that would spin or never grow", () => {
    expect(() => fullJitterBackoff({ baseMs: 0 })).toThrow(/0 < baseMs <= maxMs/);
    expect(() => fullJitterBackoff({ baseMs: 100, maxMs: 99 })).toThrow(/0 < baseMs <= maxMs/);
  });
});
