// What the hub puts on a broker topic: the entries of one commit for that topic, with the publish time for
// the publish-to-send histogram. Each event travels as the text of its frame body, cut around its diff;
// the diff (shared by every event of a snapshot) travels once per message as a part the events name. A
// dashboard topic carries its parts; persona topics only name them, and the parts their alerts need go
// once per commit on PARTS_TOPIC, which every node holding a persona channel listens to. So a snapshot
// costs the broker its diff twice, whatever the number of alerts.
//
// Message: "DW2" + header JSON + "\n" + the texts the header measures (parts first, then each entry's head
// and tail). JSON.stringify never writes a raw newline, so the first one ends the header; the texts are
// sliced, never parsed: a receiving node parses only the header.
import { topics } from "../broker/broker.js";
import type { LogEntry } from "../protocol/event.js";
import { diffText, splitEvent, type EventSplit } from "./event-json.js";

export const PARTS_TOPIC = "dw:parts";
const MAGIC = "DW2";

/** [dashboard_id, seq, persona, prev_seq, head length, part key or null, tail length] */
type WireEntry = [string, number, string | null, number | null, number, string | null, number];

interface Header {
  /** Publisher's clock, ms since the epoch. */
  t: number;
  /** [key, text length] */
  p: [string, number][];
  e: WireEntry[];
}

/** One entry as received: routing facts and the text of its body around the part it names. */
export interface WireRef {
  dashboardId: string;
  seq: number;
  persona: string | null;
  prevSeq: number | null;
  head: string;
  partKey: string | null;
  tail: string;
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
  split: EventSplit;
  /** Names the shared diff; null when it is written inline (a null diff, the first snapshot's). */
  partKey: string | null;
}

/** Every entry's body is cut once and every diff written once, whatever the number of topics. */
function prepare(entries: LogEntry[]): { prepared: Prepared[]; parts: Map<string, string> } {
  const keyOf = new Map<unknown, string>();
  const parts = new Map<string, string>();
  const prepared = entries.map((entry): Prepared => {
    const split = splitEvent(entry.event);
    if (!split.hasDiff) return { entry, split, partKey: null };
    if (split.diff === null || typeof split.diff !== "object") {
      return { entry, split: { ...split, head: split.head + diffText(split.diff), hasDiff: false }, partKey: null };
    }
    let key = keyOf.get(split.diff);
    if (key === undefined) {
      key = `${entry.event.dashboard_id}/${entry.event.seq}`;
      keyOf.set(split.diff, key);
      parts.set(key, diffText(split.diff));
    }
    return { entry, split, partKey: key };
  });
  return { prepared, parts };
}

function encodeMessage(t: number, list: Prepared[], parts: Map<string, string>, inlineParts: boolean): string {
  const carried = new Map<string, string>();
  if (inlineParts) for (const p of list) if (p.partKey !== null) carried.set(p.partKey, parts.get(p.partKey)!);
  const header: Header = {
    t,
    p: [...carried].map(([key, text]) => [key, text.length]),
    e: list.map(({ entry, split, partKey }) => [
      entry.event.dashboard_id,
      entry.event.seq,
      entry.persona,
      entry.prev_seq,
      split.head.length,
      partKey,
      split.tail.length,
    ]),
  };
  let out = MAGIC + JSON.stringify(header) + "\n";
  for (const text of carried.values()) out += text;
  for (const { split } of list) out += split.head + split.tail;
  return out;
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
    let message = MAGIC + JSON.stringify({ t, p: [...personaParts].map(([k, v]) => [k, v.length]), e: [] } satisfies Header) + "\n";
    for (const text of personaParts.values()) message += text;
    messages.push({ topic: PARTS_TOPIC, entries: [], message });
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
const isStringOrNull = (v: unknown) => v === null || typeof v === "string";

function validEntry(e: unknown): e is WireEntry {
  return (
    Array.isArray(e) &&
    e.length === 7 &&
    typeof e[0] === "string" &&
    isInt(e[1]) &&
    isStringOrNull(e[2]) &&
    (e[3] === null || isInt(e[3])) &&
    isInt(e[4]) &&
    isStringOrNull(e[5]) &&
    isInt(e[6])
  );
}

/** null for anything that is not a batch: a broker message is never trusted to be well formed. */
export function decodeBatch(message: string): Batch | null {
  if (!message.startsWith(MAGIC)) return null;
  const end = message.indexOf("\n");
  if (end < 0) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(message.slice(MAGIC.length, end));
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const { t, p, e } = raw as Record<string, unknown>;
  if (typeof t !== "number" || !Array.isArray(p) || !Array.isArray(e)) return null;
  if (!p.every((x: unknown) => Array.isArray(x) && x.length === 2 && typeof x[0] === "string" && isInt(x[1]))) return null;
  if (!e.every(validEntry)) return null;
  let at = end + 1;
  const take = (length: number) => message.slice(at, (at += length));
  const parts = new Map<string, string>();
  for (const [key, length] of p as [string, number][]) parts.set(key, take(length));
  const entries = e.map(([dashboardId, seq, persona, prevSeq, headLength, partKey, tailLength]): WireRef => ({
    dashboardId,
    seq,
    persona,
    prevSeq,
    head: take(headLength),
    partKey,
    tail: take(tailLength),
  }));
  return at === message.length ? { t, parts, entries } : null;
}
