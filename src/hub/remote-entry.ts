// An entry that arrived over the broker as text. Routing needs only the facts the batch header gives; the
// rest of the event is parsed from its body on first use, which the live path never makes.
import type { HubEvent, LogEntry } from "../protocol/event.js";
import type { WireRef } from "./batch.js";
import { attachBody, type EventBody } from "./wire.js";

export function remoteEntry(ref: WireRef, body: EventBody): LogEntry {
  let parsed: HubEvent | undefined;
  const full = () => (parsed ??= JSON.parse(`{${Buffer.concat(body.chunks).toString()}}`) as HubEvent);
  const event: HubEvent = {
    dashboard_id: ref.dashboardId,
    seq: ref.seq,
    get kind() {
      return full().kind;
    },
    get at() {
      return full().at;
    },
    get actor() {
      return full().actor;
    },
    get data() {
      return full().data;
    },
  };
  const entry: LogEntry = { event, persona: ref.persona, prev_seq: ref.prevSeq };
  attachBody(entry, body);
  return entry;
}
