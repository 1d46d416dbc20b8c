// What the hub puts on a broker topic: the entries of one commit for that topic, with the publish time for
// the publish-to-send histogram. Each event travels as the text of its frame body, cut around its diff;
// the diff (shared by every event of a snapshot) travels once per message as a part the events name. A
// dashboard topic carries its parts; persona topics only name them, and the parts their alerts need go
// once per commit on PARTS_TOPIC, which every node holding a persona channel listens to. So a snapshot
// costs the broker its diff twice, whatever the number of alerts.
//
// Message: "DW2" + header JSON + "\n" + the texts the header measures (parts first, then each entry's data
// up to its part). JSON.stringify never writes a raw newline, so the first one ends the header; the texts
// are sliced, never parsed: a receiving node parses only the header (routing facts and the event's
// members before `data`, from which it writes those members again, the same way the log path does).
import { topics } from "../broker/broker.js";
import { EVENT_KINDS, type HubEvent, type LogEntry } from "../protocol/event.js";
import { diffText } from "../event-text.js";
import { splitData } from "./event-json.js";

export const PARTS_TOPIC = "dw:parts";
const MAGIC = "DW2";

/** [index into `m`, seq, index into EVENT_KINDS, persona, prev_seq, length of the data head, index into `p` or -1] */
type WireEntry = [number, number, number, string | null, number | null, number, number];

/** A message of PARTS_TOPIC has only `p`. */
interface Header {
  /** Publisher's clock, ms since the epoch. */
  t?: number;
  /** [dashboard_id, at, actor]: the same for every event of a commit, so written once. */
  m?: [string, string, string][];
  /** Part keys; a part carried here has its text length too, one named only has none. */
  p: ([string, number] | [string])[];
  e?: WireEntry[];
}

/** One entry as received: routing facts and the text of its body around the part it names. */
export interface WireRef {
  event: Pick<HubEvent, "dashboard_id" | "seq" | "kind" | "at" | "actor">;
  persona: string | null;
  prevSeq: number | null;
  /** The data up to the part, or all of it. */
  head: string;
  partKey: string | null;
}

export interface Batch {
  t: number;
  parts: Map<string, string>;
  entries: WireRef[];
}

export interface TopicMessage {
  topic: string;
  /** The entries the message carries (none on PARTS_TOPIC). */
  entries: LogEntry[];
  message: string;
}

interface Prepared {
  entry: LogEntry;
  head: string;
  /** Names the shared diff; null when the data has none or writes it inline (the first snapshot's null). */
  partKey: string | null;
}

/** Every entry's data is cut once and every diff written once, whatever the number of topics. */
function prepare(entries: LogEntry[]): { prepared: Prepared[]; parts: Map<string, string> } {
  const keyOf = new Map<unknown, string>();
  const parts = new Map<string, string>();
  const prepared = entries.map((entry): Prepared => {
    const split = splitData(entry.event.data);
    if (!split.hasDiff) return { entry, head: split.head, partKey: null };
    if (split.diff === null || typeof split.diff !== "object") return { entry, head: `${split.head}${diffText(split.diff)}}`, partKey: null };
    let key = keyOf.get(split.diff);
    if (key === undefined) {
      key = `${entry.event.dashboard_id}/${entry.event.seq}`;
      keyOf.set(split.diff, key);
      parts.set(key, diffText(split.diff));
    }
    return { entry, head: split.head, partKey: key };
  });
  return { prepared, parts };
}

function encodeMessage(t: number, list: Prepared[], parts: Map<string, string>, inlineParts: boolean): string {
  const meta = new Map<string, number>();
  const keys = new Map<string, number>();
  const header = { t, m: [] as [string, string, string][], p: [] as ([string, number] | [string])[], e: [] as WireEntry[] } satisfies Header;
  const carried: string[] = [];
  for (const { entry, head, partKey } of list) {
    const { dashboard_id, seq, kind, at, actor } = entry.event;
    const metaKey = JSON.stringify([dashboard_id, at, actor]);
    let m = meta.get(metaKey);
    if (m === undefined) meta.set(metaKey, (m = header.m.push([dashboard_id, at, actor]) - 1));
    let p = partKey === null ? -1 : keys.get(partKey);
    if (p === undefined) {
      const text = inlineParts ? parts.get(partKey!)! : undefined;
      keys.set(partKey!, (p = header.p.push(text === undefined ? [partKey!] : [partKey!, text.length]) - 1));
      if (text !== undefined) carried.push(text);
    }
    header.e.push([m, seq, EVENT_KINDS.indexOf(kind), entry.persona, entry.prev_seq, head.length, p]);
  }
  // One join: a message grown with += is a rope of a thousand heads that the Redis client walks twice.
  const out = [MAGIC, JSON.stringify(header), "\n", ...carried];
  for (const { head } of list) out.push(head);
  return out.join("");
}

/**
 * The messages of one commit: one per dashboard topic (with its parts), one per persona topic (naming
 * them), and one on PARTS_TOPIC when any persona alert needs a part. Order within each topic is kept.
 */
export function encodeCommit(entries: LogEntry[], t: number): { messages: TopicMessage[]; parts: Map<string, string> } {
  const { prepared, parts } = prepare(entries);
  const byTopic = new Map<string, { persona: boolean; list: Prepared[] }>();
  const add = (topic: string, persona: boolean, p: Prepared) => {
    const group = byTopic.get(topic);
    if (group) group.list.push(p);
    else byTopic.set(topic, { persona, list: [p] });
  };
  const personaParts = new Map<string, string>();
  for (const p of prepared) {
    add(topics.dashboard(p.entry.event.dashboard_id), false, p);
    if (p.entry.persona === null) continue;
    add(topics.persona(p.entry.persona), true, p);
    if (p.partKey !== null) personaParts.set(p.partKey, parts.get(p.partKey)!);
  }
  const messages: TopicMessage[] = [];
  // Parts first: over one connection, messages arrive in the order published, so a node usually holds
  // the part before the alert that names it (and waits a little when it does not).
  if (personaParts.size > 0) {
    const header: Header = { p: [...personaParts].map(([k, v]) => [k, v.length]) };
    messages.push({ topic: PARTS_TOPIC, entries: [], message: MAGIC + JSON.stringify(header) + "\n" + [...personaParts.values()].join("") });
  }
  for (const [topic, { persona, list }] of byTopic) {
    messages.push({ topic, entries: list.map((p) => p.entry), message: encodeMessage(t, list, parts, !persona) });
  }
  return { messages, parts: personaParts };
}

/** All entries in one message with their parts inline, as a dashboard topic carries them. */
export function encodeBatch(entries: LogEntry[], t: number): string {
  const { prepared, parts } = prepare(entries);
  return encodeMessage(t, prepared, parts, true);
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isString = (v: unknown): v is string => typeof v === "string";

function validHeader(raw: unknown): raw is Required<Header> {
  if (typeof raw !== "object" || raw === null) return false;
  const header = raw as Record<string, unknown>;
  // A parts-only message: nothing to route, so no time or events.
  if (header.e === undefined) Object.assign(header, { t: 0, m: [], e: [] });
  const { t, m, p, e } = header;
  if (typeof t !== "number" || !Array.isArray(m) || !Array.isArray(p) || !Array.isArray(e)) return false;
  const metaOk = m.every((x: unknown) => Array.isArray(x) && x.length === 3 && x.every(isString));
  const partsOk = p.every((x: unknown) => Array.isArray(x) && isString(x[0]) && (x.length === 1 || (x.length === 2 && isInt(x[1]))));
  const entriesOk = e.every(
    (x: unknown) =>
      Array.isArray(x) &&
      x.length === 7 &&
      isInt(x[0]) &&
      x[0] < m.length &&
      isInt(x[1]) &&
      isInt(x[2]) &&
      x[2] < EVENT_KINDS.length &&
      (x[3] === null || isString(x[3])) &&
      (x[4] === null || isInt(x[4])) &&
      isInt(x[5]) &&
      Number.isSafeInteger(x[6]) &&
      x[6] >= -1 &&
      x[6] < p.length,
  );
  return metaOk && partsOk && entriesOk;
}

/** null for anything that is not a batch: a broker message is never trusted to be well formed. */
export function decodeBatch(message: string): Batch | null {
  if (!message.startsWith(MAGIC)) return null;
  const end = message.indexOf("\n");
  if (end < 0) return null;
  let header: unknown;
  try {
    header = JSON.parse(message.slice(MAGIC.length, end));
  } catch {
    return null;
  }
  if (!validHeader(header)) return null;
  let at = end + 1;
  const take = (length: number) => message.slice(at, (at += length));
  const parts = new Map<string, string>();
  for (const [key, length] of header.p) if (length !== undefined) parts.set(key, take(length));
  const entries = header.e.map(([m, seq, kind, persona, prevSeq, headLength, p]): WireRef => {
    const [dashboard_id, eventAt, actor] = header.m[m]!;
    return {
      event: { dashboard_id, seq, kind: EVENT_KINDS[kind]!, at: eventAt, actor },
      persona,
      prevSeq,
      head: take(headLength),
      partKey: p < 0 ? null : header.p[p]![0],
    };
  });
  return at === message.length ? { t: header.t, parts, entries } : null;
}
