// TokenRenewal alone, on fake timers: a token whose renewal is further off than setTimeout can wait.
import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenRenewal } from "../src/renewal.js";
import type { ClientFrame } from "../src/protocol.js";

const b64url = (v: unknown) => btoa(JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const tokenWithExp = (expS: number) => `${b64url({ alg: "HS256" })}.${b64url({ sub: "alice", exp: expS })}.sig`;
const DAY_MS = 86_400_000;

describe("TokenRenewal with an exp beyond setTimeout's longest delay", () => {
  afterEach(() => vi.useRealTimers());

  it("asks getToken only once the renewal time comes, not at setTimeout's first 24.8-day step", async () => {
    vi.useFakeTimers({ now: 0 });
    const expS = (40 * DAY_MS) / 1000;
    const later = tokenWithExp(expS + 3600);
    const asked: number[] = [];
    const sent: ClientFrame[] = [];
    const renewal = new TokenRenewal({ send: (f) => (sent.push(f), true) }, tokenWithExp(expS), async () => (asked.push(Date.now()), later), () => Date.now());
    await vi.advanceTimersByTimeAsync(30 * DAY_MS);
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(10 * DAY_MS);
    expect(asked).toEqual([40 * DAY_MS - 30_000]);
    expect(sent).toEqual([{ op: "auth", token: later }]);
    renewal.stop();
  });
});
