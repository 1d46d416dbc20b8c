// Where a persona feed starts on a dashboard it first meets live: the persona's first alert there
// committed at or after the feed's firstSightFrom. Every feed of one persona channel meets a dashboard on
// the same live alert, in the same turn, each with its own firstSightFrom (the moment it subscribed, less
// the skew), so one read per (dashboard, persona) answers them all: the persona's alerts from the
// earliest firstSightFrom asked, in seq order, in which each feed's own answer is the first alert at or
// after its own firstSightFrom. A feed the page cannot answer (it is full and ends before that feed's
// live alert) reads the rest on its own, as every feed used to.
import type { EventPage, EventQuery } from "../store/store.js";

/** Alerts read by the shared first-sight read; a feed whose answer lies beyond reads on alone. */
export const FIRST_SIGHT_PAGE = 16;

export type ReadEvents = (dashboardId: string, query: EventQuery) => Promise<EventPage>;

/**
 * The lowest seq below `before` of the persona's alerts on the dashboard committed at or after `from`,
 * or undefined when there is none. Requests of one (dashboard, persona) made in one turn share a read,
 * which starts after the turn: each caller's live alert `before` is committed by then, and so is every
 * alert below it.
 */
export type FirstSight = (dashboardId: string, persona: string, from: Date, before: number) => Promise<number | undefined>;

interface Request {
  from: number;
  before: number;
  resolve(seq: number | undefined): void;
  reject(error: unknown): void;
}

interface Group {
  dashboardId: string;
  persona: string;
  requests: Request[];
}

export function createFirstSight(readEvents: ReadEvents): FirstSight {
  const waiting = new Map<string, Group>();

  /** The first alert of `entries` at or after `from` (ms), by seq. `at` has the ms precision it was written with. */
  const firstFrom = (page: EventPage, from: number) => page.entries.find((e) => Date.parse(e.event.at) >= from)?.event.seq;

  async function alone(group: Group, afterSeq: number, r: Request): Promise<number | undefined> {
    const page = await readEvents(group.dashboardId, { afterSeq, limit: 1, persona: group.persona, from: new Date(r.from) });
    return page.entries[0]?.event.seq;
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
    for (const r of group.requests) {
      const seq = firstFrom(page, r.from);
      if (seq !== undefined || coveredTo >= r.before - 1) r.resolve(seq !== undefined && seq < r.before ? seq : undefined);
      else alone(group, coveredTo, r).then((s) => r.resolve(s !== undefined && s < r.before ? s : undefined), r.reject);
    }
  }

  return (dashboardId, persona, from, before) =>
    new Promise((resolve, reject) => {
      const key = `${dashboardId}\u0000${persona}`;
      let group = waiting.get(key);
      if (!group) {
        const made: Group = (group = { dashboardId, persona, requests: [] });
        waiting.set(key, made);
        queueMicrotask(() => void run(key, made));
      }
      group.requests.push({ from: from.getTime(), before, resolve, reject });
    });
}
