// What the hub accepts from a client, and what it answers bad-request to (pure, no sockets).
import { describe, expect, it } from "vitest";
import { canSubscribe } from "../../src/hub/access.js";
import { parseClientFrame } from "../../src/hub/client-frame.js";
import { parseChannel } from "../../src/protocol/frames.js";

const LIMITS = { maxSinceKeys: 128 };

describe("parseClientFrame", () => {
  it.each([
    { text: '{"op":"auth","token":"t"}', frame: { op: "auth", token: "t" } },
    { text: '{"op":"subscribe","channel":"dashboard:a"}', frame: { op: "subscribe", channel: "dashboard:a" } },
    { text: '{"op":"subscribe","channel":"persona:p","since":{"a":0,"b-2":7}}', frame: { op: "subscribe", channel: "persona:p", since: { a: 0, "b-2": 7 } } },
    { text: '{"op":"unsubscribe","channel":"dashboard:a"}', frame: { op: "unsubscribe", channel: "dashboard:a" } },
    { text: '{"op":"ack","dashboard_id":"a","seq":3}', frame: { op: "ack", dashboard_id: "a", seq: 3 } },
    { text: '{"op":"ping","extra":true}', frame: { op: "ping" } },
  ])("accepts $text", ({ text, frame }) => {
    expect(parseClientFrame(text, LIMITS)).toEqual({ ok: true, frame });
  });

  it.each([
    { text: "{oops", why: "malformed JSON" },
    { text: "[1]", why: "not an object" },
    { text: '{"token":"t"}', why: "no op" },
    { text: '{"op":"dance"}', why: "unknown op" },
    { text: '{"op":"auth","token":""}', why: "empty token" },
    { text: '{"op":"subscribe"}', why: "no channel" },
    { text: '{"op":"subscribe","channel":"dashboard:a","since":[1]}', why: "since not an object" },
    { text: '{"op":"subscribe","channel":"dashboard:a","since":{"a":-1}}', why: "negative seq" },
    { text: '{"op":"subscribe","channel":"dashboard:a","since":{"a":1.5}}', why: "fractional seq" },
    { text: '{"op":"subscribe","channel":"dashboard:a","since":{"A":1}}', why: "since key not a dashboard id" },
    { text: '{"op":"ack","dashboard_id":"a","seq":"3"}', why: "seq as string" },
    { text: '{"op":"ack","seq":3}', why: "no dashboard_id" },
  ])("refuses $why", ({ text }) => {
    expect(parseClientFrame(text, LIMITS).ok).toBe(false);
  });

  it("accepts a since of maxSinceKeys dashboards and refuses one more", () => {
    const since = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`d${i}`, 0]));
    const frame = (n: number) => JSON.stringify({ op: "subscribe", channel: "persona:p", since: since(n) });
    expect(parseClientFrame(frame(LIMITS.maxSinceKeys), LIMITS).ok).toBe(true);
    expect(parseClientFrame(frame(LIMITS.maxSinceKeys + 1), LIMITS)).toEqual({ ok: false, message: "since may name at most 128 dashboards", channel: "persona:p" });
  });
});

describe("canSubscribe", () => {
  const channel = (c: string) => parseChannel(c)!;
  it.each([
    { who: { sub: "p", roles: [] }, on: "persona:p", allowed: true },
    { who: { sub: "p", roles: [] }, on: "persona:q", allowed: false },
    { who: { sub: "p", roles: ["publisher"] }, on: "persona:q", allowed: false },
    { who: { sub: "p", roles: [] }, on: "dashboard:any", allowed: true },
    { who: { sub: "root", roles: ["admin"] }, on: "persona:q", allowed: true },
  ])("$who.sub with $who.roles on $on: $allowed", ({ who, on, allowed }) => {
    expect(canSubscribe(who, channel(on))).toBe(allowed);
  });
});
