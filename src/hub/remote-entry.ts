// An entry that arrived over the broker as text. Routing needs only the facts the batch header gives; its
// data is parsed from its body on first use, which the live path never makes.
import type { HubEvent, LogEntry } from "../protocol/event.js";
import type { WireRef } from "./batch.js";
import { attachBody, type EventBody } from "./wire.js";

export function remoteEntry(ref: WireRef, body: EventBody): LogEntry {
  let parsed: HubEvent | undefined;
  const full = () => (parsed ??= JSON.parse(`{${Buffer.concat(body.chunks).toString()}}`) as HubEvent).data;
  const event: HubEvent = {
    ...ref.event,
    get data() {
      return full();
    },
  };
  const entry: LogEntry = { event, persona: ref.persona, prev_seq: ref.prevSeq };
  attachBody(entry, body);
  return entry;
}
