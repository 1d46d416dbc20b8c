// The one text form of an event inside a frame, whichever path built the entry. A live entry holds its
// data as ingest built it (insertion order); the log gives `data` back from jsonb (keys reordered) and the
// diff from a `json` column (text kept as written). So `data` is written with its keys in one order at
// every level, and the diff, the large part that many events share, is cut out and written last: its text
// is made once (JSON.stringify, the order it is stored in) and spliced into every event that carries it.
import type { HubEvent } from "../protocol/event.js";
import { dataMembers } from "../event-text.js";

/** An event's frame body is `metaText + head + diff + "}"`, or `metaText + head` when there is no diff. */
export interface DataSplit {
  head: string;
  /** The shared part, as an object; undefined when the data has no diff. */
  diff: unknown;
  hasDiff: boolean;
}

/** The event's members up to and including `"data":`, from the facts a broker header carries. */
export function metaText(e: Pick<HubEvent, "dashboard_id" | "seq" | "kind" | "at" | "actor">): string {
  return (
    `"dashboard_id":${JSON.stringify(e.dashboard_id)},"seq":${e.seq},"kind":${JSON.stringify(e.kind)},` +
    `"at":${JSON.stringify(e.at)},"actor":${JSON.stringify(e.actor)},"data":`
  );
}

/** `data` as `head + diff + "}"`, or all in `head` when it has no diff. */
export function splitData(data: Record<string, unknown>): DataSplit {
  const diff = data.diff;
  if (diff === undefined) return { head: `{${dataMembers(data)}}`, diff: undefined, hasDiff: false };
  const rest = dataMembers(data);
  return { head: `{${rest}${rest.length > 0 ? "," : ""}"diff":`, diff, hasDiff: true };
}
