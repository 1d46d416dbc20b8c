// Waiting on conditions, not time: the fake hub and the recorders call changed() whenever something
// happens, and until() re-checks its condition then. The timeout only turns a hang into a clear failure.
import type { Client, ClientEvents, DashwatchError, GapNotice, HubEvent, Subscription } from "../src/index.js";

const watchers = new Set<() => void>();

export function changed(): void {
  for (const watcher of [...watchers]) watcher();
}

export function until<T>(check: () => T | undefined | false, label: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const watcher = (): void => {
      const value = check();
      if (value === undefined || value === false) return;
      finish();
      resolve(value);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out waiting for: ${label}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      watchers.delete(watcher);
    };
    watchers.add(watcher);
    watcher();
  });
}

export type TimelineEntry = { event: number } | { gap: [number, number] };

/** Everything a subscription hands to the application, in the order it did. */
export class Recorder {
  readonly events: HubEvent[] = [];
  readonly gaps: GapNotice[] = [];
  readonly errors: DashwatchError[] = [];
  readonly timeline: TimelineEntry[] = [];

  constructor(subscription: Subscription) {
    subscription.on("event", (event) => {
      this.events.push(event);
      this.timeline.push({ event: event.seq });
      changed();
    });
    subscription.on("gap", (gap) => {
      this.gaps.push(gap);
      this.timeline.push({ gap: [gap.from_seq, gap.to_seq] });
      changed();
    });
    subscription.on("error", (error) => {
      this.errors.push(error);
      changed();
    });
  }

  get seqs(): number[] {
    return this.events.map((e) => e.seq);
  }

  waitForSeq(seq: number): Promise<true> {
    return until(() => this.events.some((e) => e.seq === seq), `event #${seq} delivered`);
  }
}

/** Every value the client emits under `name`, in order. */
export function record<K extends keyof ClientEvents>(client: Client, name: K): Array<ClientEvents[K]> {
  const values: Array<ClientEvents[K]> = [];
  client.on(name, (value) => {
    values.push(value);
    changed();
  });
  return values;
}

/** A promise the test opens when it wants to. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
