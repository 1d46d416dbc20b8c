// Where a persona feed starts on a dashboard it first meets live: the persona's first alert there
// committed at or after the feed's firstSightFrom. Every feed of one persona channel meets a dashboard on
// the same live alert, in the same dispatch, each with its own firstSightFrom (the moment it subscribed, less
// the skew), so one read per (dashboard, persona) answers them all: the persona's alerts from the
// earliest firstSightFrom asked, in seq order, in which each feed's own answer is the first alert at or
// after its own firstSightFrom. A feed the page cannot answer (it is full and ends before that feed's
// live alert) reads the rest on its own, as every feed used to.
//
// The page often holds the alerts the feed must then fill in before its live one, too: those are handed
// back when they are there without a doubt, which is when they chain, each naming the one before as its
// prev_seq, from the first owed up to the live alert's prev_seq. `at` alone could not tell: an alert
// committed between two others may carry an earlier `at` (its ingest started first) and be missing from
// a page read from a time.
import type { LogEntry } from "../protocol/event.js";
import type { EventPage, EventQuery } from "../store/store.js";

/** Alerts read by the shared first-sight read; a feed whose answer lies beyond reads on alone. */
export const FIRST_SIGHT_PAGE = 16;

export type ReadEvents = (dashboardId: string, query: EventQuery) => Promise<EventPage>;

export interface Sighting {
  /** The lowest seq below the live alert's of the persona's alerts committed at or after `from`; undefined when none. */
  first: number | undefined;
  /** The persona's alerts from `first` through the live alert's prev_seq, all of them, when the shared page had them. */
  alerts: LogEntry[] | undefined;
}

/**
 * Where a persona feed starts on a dashboard first met on the live alert `live`. Requests of one
 * (dashboard, persona) made in one synchronous dispatch (the feeds of a channel handed one live alert)
 * share a read, which starts in the microtask after it: each caller's live alert is committed by then,
 * and so is every alert below it. A feed that asks later reads on its own.
 */
export type FirstSight = (dashboardId: string, persona: string, from: Date, live: LogEntry) => Promise<Sighting>;

interface Request {
  from: number;
  before: number;
  through: number;
  resolve(sighting: Sighting): void;
  reject(error: unknown): void;
}

const NONE: Sighting = { first: undefined, alerts: undefined };

/** The page's alerts from index `i` through seq `through`, when they chain without a hole; else undefined. */
function chain(page: EventPage, i: number, through: number): LogEntry[] | undefined {
  let j = i;
  while (j + 1 < page.entries.length && page.entries[j]!.event.seq < through) {
    if ((page.entries[j + 1]!.prev_seq ?? 0) !== page.entries[j]!.event.seq) return undefined;
    j++;
  }
  return page.entries[j]!.event.seq === through ? page.entries.slice(i, j + 1) : undefined;
}

interface Group {
  dashboardId: string;
  persona: string;
  requests: Request[];
}

export function createFirstSight(readEvents: ReadEvents): FirstSight {
  const waiting = new Map<string, Group>();

  /** The index of the page's first alert at or after `from` (ms), by seq, from the page's `at`s in ms (the precision they were written with). */
  const firstFrom = (ats: readonly number[], from: number) => ats.findIndex((at) => at >= from);

  async function alone(group: Group, afterSeq: number, r: Request): Promise<Sighting> {
    const page = await readEvents(group.dashboardId, { afterSeq, limit: 1, persona: group.persona, from: new Date(r.from) });
    const seq = page.entries[0]?.event.seq;
    return seq !== undefined && seq < r.before ? { first: seq, alerts: undefined } : NONE;
  }

  function answer(page: EventPage, ats: readonly number[], coveredTo: number, group: Group, r: Request): Sighting | Promise<Sighting> {
    const i = firstFrom(ats, r.from);
    if (i < 0) return coveredTo >= r.before - 1 ? NONE : alone(group, coveredTo, r);
    const first = page.entries[i]!.event.seq;
    return first < r.before ? { first, alerts: chain(page, i, r.through) } : NONE;
  }

  async function run(key: string, group: Group) {
    waiting.delete(key);
    let from = Infinity;
    for (const r of group.requests) from = Math.min(from, r.from);
    let page: EventPage;
    try {
      page = await readEvents(group.dashboardId, { afterSeq: 0, limit: FIRST_SIGHT_PAGE, persona: group.persona, from: new Date(from) });
    } catch (error) {
      for (const r of group.requests) r.reject(error);
      return;
    }
    // A page short of its limit holds every such alert up to the head, which is past every caller's alert.
    const coveredTo = page.entries.length < FIRST_SIGHT_PAGE ? Infinity : page.entries.at(-1)!.event.seq;
    const ats = page.entries.map((e) => Date.parse(e.event.at));
    for (const r of group.requests) Promise.resolve(answer(page, ats, coveredTo, group, r)).then(r.resolve, r.reject);
  }

  return (dashboardId, persona, from, live) =>
    new Promise((resolve, reject) => {
      const key = `${dashboardId}\u0000${persona}`;
      let group = waiting.get(key);
      if (!group) {
        const made: Group = (group = { dashboardId, persona, requests: [] });
        waiting.set(key, made);
        queueMicrotask(() => void run(key, made));
      }
      group.requests.push({ from: from.getTime(), before: live.event.seq, through: live.prev_seq ?? 0, resolve, reject });
    });
}
