import { describe, expect, it } from "vitest";
import { classify } from "../../src/hub/feed-order.js";
import type { LogEntry } from "../../src/protocol/event.js";

const entry = (seq: number, prev: number | null = null): LogEntry => ({
  event: { dashboard_id: "d", seq, kind: prev === null ? "snapshot.created" : "alert.matched", at: "2024-01-01T00:00:00Z", actor: "a", data: {} },
  persona: prev === null ? null : "p",
  prev_seq: prev,
});

describe("classify", () => {
  it.each([
    { channel: "dashboard", seq: 5, last: 4, verdict: "next" },
    { channel: "dashboard", seq: 4, last: 4, verdict: "duplicate" },
    { channel: "dashboard", seq: 2, last: 4, verdict: "duplicate" },
    { channel: "dashboard", seq: 7, last: 4, verdict: "hole" },
    { channel: "persona", seq: 9, prev: 4, last: 4, verdict: "next" },
    { channel: "persona", seq: 9, prev: 3, last: 6, verdict: "next" },
    { channel: "persona", seq: 9, prev: 7, last: 4, verdict: "hole" },
    { channel: "persona", seq: 4, prev: 2, last: 4, verdict: "duplicate" },
    { channel: "persona", seq: 9, prev: 0, last: undefined, verdict: "next" },
    { channel: "persona", seq: 9, prev: 5, last: undefined, verdict: "unplaced" },
  ])("$channel: seq $seq (prev $prev) after $last is $verdict", ({ channel, seq, prev, last, verdict }) => {
    const persona = channel === "persona";
    expect(classify(entry(seq, persona ? (prev ?? 0) : null), last, persona)).toBe(verdict);
  });
});
