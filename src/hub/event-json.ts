// The one text form of an event inside a frame, whichever path built the entry. A live entry holds its
// data as ingest built it (insertion order); the log gives `data` back from jsonb (keys reordered) and the
// diff from a `json` column (text kept as written). So `data` is written with its keys in one order at
// every level, and the diff, the large part that many events share, is cut out and written last: its text
// is made once (JSON.stringify, the order it is stored in) and spliced into every event that carries it.
import type { HubEvent } from "../protocol/event.js";

/** An event's frame body is `metaText + head + diff + "}"`, or `metaText + head` when there is no diff. */
export interface DataSplit {
  head: string;
  /** The shared part, as an object; undefined when the data has no diff. */
  diff: unknown;
  hasDiff: boolean;
}

/** jsonb's key order (shorter first, then by code unit): what the log hands back is already in order. */
const byJsonbOrder = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/** JSON.stringify with every object's keys in jsonb order; undefined members are left out as it does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item: unknown = value[i];
      out += item === undefined || typeof item === "function" ? "null" : canonicalJson(item);
    }
    return out + "]";
  }
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === "function") return canonicalJson(json.call(value));
  return "{" + members(value as Record<string, unknown>, null) + "}";
}

/** The members of an object (no braces), keys in jsonb order, leaving out `skip`. */
function members(object: Record<string, unknown>, skip: string | null): string {
  const keys = Object.keys(object);
  if (!isSorted(keys)) keys.sort(byJsonbOrder);
  let out = "";
  for (const key of keys) {
    const item = object[key];
    if (key === skip || item === undefined || typeof item === "function") continue;
    if (out.length > 0) out += ",";
    out += JSON.stringify(key) + ":" + canonicalJson(item);
  }
  return out;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (byJsonbOrder(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
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
  if (diff === undefined) return { head: canonicalJson(data), diff: undefined, hasDiff: false };
  const rest = members(data, "diff");
  return { head: `{${rest}${rest.length > 0 ? "," : ""}"diff":`, diff, hasDiff: true };
}

const diffTexts = new WeakMap<object, string>();

/** The diff's text, made once per diff object: entries of one commit (or one log page) share the object. */
export function diffText(diff: unknown): string {
  if (diff === null || typeof diff !== "object") return JSON.stringify(diff) ?? "null";
  let text = diffTexts.get(diff);
  if (text === undefined) {
    text = JSON.stringify(diff);
    diffTexts.set(diff, text);
  }
  return text;
}
