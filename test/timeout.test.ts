// The hub's one timer race, on fake timers: the deadline is exact and nothing is left armed.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TimeoutError, within, withTimeout } from "../src/timeout.js";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const never = () => new Promise<never>(() => {});

describe("within", () => {
  it("answers onTimeout() at exactly ms, not a tick before", async () => {
    let settled: unknown = "pending";
    void within(never(), 100, () => "late").then((v) => (settled = v));
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe("late");
  });

  it("passes the work's value and clears its timer", async () => {
    expect(await within(Promise.resolve(7), 100, () => "late")).toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("withTimeout", () => {
  it("rejects with a TimeoutError naming the work once ms pass", async () => {
    const hung = withTimeout(never(), 250, "publish");
    const checked = expect(hung).rejects.toThrow(new TimeoutError("publish", 250));
    await vi.advanceTimersByTimeAsync(250);
    await checked;
  });

  it("passes the work's value and its rejection through, leaving no timer", async () => {
    expect(await withTimeout(Promise.resolve("ok"), 100, "get")).toBe("ok");
    await expect(withTimeout(Promise.reject(new Error("refused")), 100, "get")).rejects.toThrow("refused");
    expect(vi.getTimerCount()).toBe(0);
  });
});
