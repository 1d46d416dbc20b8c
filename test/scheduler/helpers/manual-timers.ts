// A clock and timers that move only when the test says so: the scheduler's waits are exact and instant.
import type { SchedulerTimers } from "../../../src/scheduler/scheduler.js";

export interface ManualTime {
  now(): Date;
  timers: SchedulerTimers;
  /** Moves the clock to `to`, firing each timer at its own time and letting `settle` run after each. */
  advanceTo(to: Date, settle: () => Promise<void>): Promise<void>;
  readonly pending: number;
}

export function manualTime(start: Date): ManualTime {
  let clock = start.getTime();
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => new Date(clock),
    timers: {
      set(fn, ms) {
        const id = nextId++;
        timers.set(id, { at: clock + ms, fn });
        return id;
      },
      clear(handle) {
        timers.delete(handle as number);
      },
    },
    async advanceTo(to, settle) {
      for (;;) {
        let first: [number, { at: number; fn: () => void }] | undefined;
        for (const t of timers) if (t[1].at <= to.getTime() && (!first || t[1].at < first[1].at)) first = t;
        if (!first) break;
        timers.delete(first[0]);
        clock = Math.max(clock, first[1].at);
        first[1].fn();
        await settle();
      }
      clock = to.getTime();
    },
    get pending() {
      return timers.size;
    },
  };
}
