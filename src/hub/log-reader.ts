// Log reads for the hub, with identical reads in flight shared: when the broker comes back, every session
// of a dashboard asks for the same page after the same seq at once, and the store should answer it once.
// Persona feeds' first-sight reads differ per feed, and are shared per channel instead (first-sight.ts).
import type { EventPage, EventQuery, Store } from "../store/store.js";
import { createFirstSight, type FirstSight } from "./first-sight.js";

export type LogQuery = Pick<EventQuery, "afterSeq" | "limit" | "persona" | "from" | "maxBytes">;

export interface LogReader {
  /** `fresh` skips sharing: a shared read may have started before the commit the caller knows of. */
  read(dashboardId: string, query: LogQuery, fresh?: boolean): Promise<EventPage>;
  /** The dashboard's head seq; null when there is no such dashboard. */
  head(dashboardId: string): Promise<number | null>;
  /** Where a persona feed starts on a dashboard first met live (first-sight.ts). */
  firstSight: FirstSight;
}

export function createLogReader(store: Pick<Store, "readEvents" | "getDashboard">): LogReader {
  const inFlight = new Map<string, Promise<unknown>>();

  function shared<T>(key: string, run: () => Promise<T>): Promise<T> {
    const existing = inFlight.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const p = run().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  }

  return {
    read(dashboardId, q, fresh = false) {
      if (fresh) return store.readEvents(dashboardId, q);
      const key = JSON.stringify(["r", dashboardId, q.afterSeq, q.limit, q.persona ?? null, q.from?.getTime() ?? null, q.maxBytes ?? null]);
      return shared(key, () => store.readEvents(dashboardId, q));
    },
    head(dashboardId) {
      return shared(JSON.stringify(["h", dashboardId]), async () => (await store.getDashboard(dashboardId))?.head_seq ?? null);
    },
    firstSight: createFirstSight((dashboardId, q) => store.readEvents(dashboardId, q)),
  };
}
