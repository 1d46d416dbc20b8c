import { describe, expect, it } from "vitest";
import { fullJitter, politeDelay } from "../src/backoff.js";
import { parseServerFrame } from "../src/parse.js";
import { parsePositions } from "../src/storage.js";
import { tokenExpiryMs } from "../src/token.js";
import { TokenSource } from "../src/tokens.js";

describe("backoff", () => {
  const options = { minMs: 100, maxMs: 1000 };

  it("stays below an exponential ceiling capped at maxMs (full jitter)", () => {
    expect([0, 1, 2, 3, 10].map((attempt) => fullJitter(attempt, options, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(fullJitter(5, options, () => 0)).toBe(0);
  });

  it("after 4429 waits at least half of a ceiling eight times higher", () => {
    expect(politeDelay(0, options, () => 0)).toBe(400);
    expect(politeDelay(0, options, () => 0.999)).toBeLessThan(800);
    expect(politeDelay(9, options, () => 0)).toBe(500);
  });
});

describe("tokenExpiryMs", () => {
  const jwt = (payload: object): string => `h.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.s`;

  it("reads exp from an unverified JWT payload", () => {
    expect(tokenExpiryMs(jwt({ sub: "alice", exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
  });

  it("gives undefined for opaque tokens and payloads without exp", () => {
    expect(tokenExpiryMs("opaque")).toBeUndefined();
    expect(tokenExpiryMs(jwt({ sub: "ünïcödé" }))).toBeUndefined();
    expect(tokenExpiryMs("a.!!!.c")).toBeUndefined();
  });
});

describe("parseServerFrame", () => {
  it("keeps prev_seq on events and drops the frame's unknown fields from the event", () => {
    const frame = parseServerFrame(
      JSON.stringify({ type: "event", channel: "persona:a", prev_seq: 0, dashboard_id: "d", seq: 3, kind: "alert.matched", at: "t", actor: "x", data: {}, extra: 1 }),
    );
    expect(frame).toEqual({ type: "event", channel: "persona:a", prev_seq: 0, dashboard_id: "d", seq: 3, kind: "alert.matched", at: "t", actor: "x", data: {} });
  });

  it("ignores what it cannot trust: bad JSON, unknown types, events without a seq", () => {
    expect(parseServerFrame("{")).toBeNull();
    expect(parseServerFrame(JSON.stringify({ type: "future-frame" }))).toBeNull();
    expect(parseServerFrame(JSON.stringify({ type: "event", channel: "c", dashboard_id: "d", kind: "alert.matched", at: "t", actor: "x" }))).toBeNull();
  });
});

describe("parsePositions", () => {
  it("keeps only non-negative integer seqs and survives corrupt storage", () => {
    expect(parsePositions(JSON.stringify({ a: 3, b: -1, c: "4", d: 1.5 }))).toEqual({ a: 3 });
    expect(parsePositions("not json")).toEqual({});
    expect(parsePositions(undefined)).toEqual({});
  });
});

describe("TokenSource", () => {
  it("shares one getToken() between callers that ask at the same time, and recovers from a throw", async () => {
    let calls = 0;
    const tokens = new TokenSource(undefined, () => {
      calls += 1;
      if (calls === 1) throw new Error("auth server down");
      return `t${calls}`;
    }, Date.now);
    await expect(tokens.forConnect()).rejects.toThrow("auth server down");
    const [a, b] = await Promise.all([tokens.forConnect(), tokens.forRequest()]);
    expect([a, b, calls]).toEqual(["t2", "t2", 2]);
    expect(await tokens.forRequest()).toBe("t2");
  });
});
