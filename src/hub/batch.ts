// What the hub puts on a broker topic: the entries of one publish call for that topic, serialized once,
// with the publish time for the publish-to-send histogram.
import type { LogEntry } from "../protocol/event.js";

export interface Batch {
  /** Publisher's clock, ms since the epoch. */
  t: number;
  entries: LogEntry[];
}

export function encodeBatch(entries: LogEntry[], t: number): string {
  return JSON.stringify({ t, entries } satisfies Batch);
}

/** null for anything that is not a batch: a broker message is never trusted to be well formed. */
export function decodeBatch(message: string): Batch | null {
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const { t, entries } = raw as Record<string, unknown>;
  if (typeof t !== "number" || !Array.isArray(entries)) return null;
  const ok = entries.every(
    (e: unknown) =>
      typeof e === "object" &&
      e !== null &&
      typeof (e as LogEntry).event?.dashboard_id === "string" &&
      Number.isSafeInteger((e as LogEntry).event?.seq),
  );
  return ok ? { t, entries: entries as LogEntry[] } : null;
}

/** One topic per dashboard, plus one per persona for that persona's alerts; order kept within each. */
export function groupByTopic(
  entries: LogEntry[],
  topicOf: { dashboard: (id: string) => string; persona: (id: string) => string },
): Map<string, LogEntry[]> {
  const byTopic = new Map<string, LogEntry[]>();
  const add = (topic: string, entry: LogEntry) => {
    const list = byTopic.get(topic);
    if (list) list.push(entry);
    else byTopic.set(topic, [entry]);
  };
  for (const entry of entries) {
    add(topicOf.dashboard(entry.event.dashboard_id), entry);
    if (entry.persona !== null) add(topicOf.persona(entry.persona), entry);
  }
  return byTopic;
}
