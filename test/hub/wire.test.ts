// The hub frames event bytes itself (wire.ts); ws's own parser must read them back, at every header size.
import { describe, expect, it } from "vitest";
// ws exports its frame parser but @types/ws does not declare it.
// @ts-expect-error -- untyped export
import { Receiver } from "ws";
import type { ServerFrame } from "../../src/protocol/frames.js";
import { encodeFrame } from "../../src/hub/wire.js";

/** Feeds bytes to ws's Receiver as a client would (servers never mask) and returns the texts it emits. */
function parseWithWs(bytes: Buffer): string[] {
  const texts: string[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0, skipUTF8Validation: false });
  receiver.on("message", (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false);
    texts.push(data.toString("utf8"));
  });
  receiver.on("error", (error: Error) => {
    throw error;
  });
  receiver.write(bytes);
  return texts;
}

const errorFrame = (message: string): ServerFrame => ({ type: "error", code: "bad-request", message });

describe("encodeFrame", () => {
  // JSON overhead of errorFrame is 50 bytes: these land on both sides of the 125 and 65 535 boundaries.
  it.each([0, 75, 76, 1_000, 65_485, 65_486, 200_000])("frames a %i-character message that ws reads back whole", (n) => {
    const frame = errorFrame("é".repeat(n % 7) + "x".repeat(n - (n % 7)));
    const bytes = encodeFrame(frame);
    expect(parseWithWs(bytes)).toEqual([JSON.stringify(frame)]);
  });

  it("frames several messages back to back as a stream", () => {
    const frames = [errorFrame("a"), errorFrame("b".repeat(300)), errorFrame("c".repeat(70_000))];
    const bytes = Buffer.concat(frames.map(encodeFrame));
    expect(parseWithWs(bytes)).toEqual(frames.map((f) => JSON.stringify(f)));
  });
});
