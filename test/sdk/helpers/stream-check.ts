// What "exactly once, in order" means against the real hub: the consumer holds the same events as the
// log, in the same order, with no seq twice. Compared on (seq, kind) so a mismatch prints readably.
import { expect } from "vitest";
import type { HubEvent } from "../../../client-sdk/src/index.js";

const brief = (events: HubEvent[]) => events.map((e) => `${e.seq}:${e.kind}`);

export function expectSameStream(received: HubEvent[], log: HubEvent[]): void {
  const seqs = received.map((e) => e.seq);
  expect(new Set(seqs).size, "no seq delivered twice").toBe(seqs.length);
  expect(brief(received)).toEqual(brief(log));
}
