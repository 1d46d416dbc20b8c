// Send slots shared fairly between targets: at most `perTarget` sends to one target at once, and a job whose
// target is at its bound waits while jobs for other targets pass it. One slow endpoint can then hold only
// its own share of the slots, never every one of them.

export interface Lanes<J> {
  /** Queues jobs; they start as slots and their targets' bounds allow. */
  add(jobs: readonly J[]): void;
  /** Slots that no queued job can take right now: what a new claim could fill. */
  readonly freeSlots: number;
  /** Targets with `perTarget` jobs running or queued: a claim should pass over them. */
  saturatedTargets(): string[];
  /** Resolves when nothing is queued or running; rejects with the first error a job threw meanwhile. */
  drained(): Promise<void>;
  readonly running: number;
}

export interface LanesOptions<J> {
  concurrency: number;
  perTarget: number;
  targetOf: (job: J) => string;
  run: (job: J) => Promise<void>;
  /** A queued job that may no longer start (its lease ran short) is dropped; the queue gives it out again. */
  mayStart?: (job: J) => boolean;
  /** Called when a slot frees up. */
  onIdleSlot?: () => void;
}

export function createLanes<J>(options: LanesOptions<J>): Lanes<J> {
  const queued: J[] = [];
  const load = new Map<string, { running: number; queued: number }>();
  let running = 0;
  let failure: unknown = null;
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  const loadOf = (target: string) => {
    let l = load.get(target);
    if (!l) load.set(target, (l = { running: 0, queued: 0 }));
    return l;
  };
  const release = (target: string) => {
    const l = load.get(target);
    if (l && l.running === 0 && l.queued === 0) load.delete(target);
  };

  function settleWaiters() {
    if (running > 0 || queued.length > 0) return;
    const current = waiters;
    waiters = [];
    const error = failure;
    failure = null;
    for (const w of current) error === null ? w.resolve() : w.reject(error);
  }

  function pump() {
    for (let i = 0; i < queued.length && running < options.concurrency; ) {
      const job = queued[i]!;
      const target = options.targetOf(job);
      const l = loadOf(target);
      if (options.mayStart && !options.mayStart(job)) {
        queued.splice(i, 1);
        l.queued--;
        release(target);
        continue;
      }
      if (l.running >= options.perTarget) {
        i++;
        continue;
      }
      queued.splice(i, 1);
      l.queued--;
      l.running++;
      running++;
      void options
        .run(job)
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => {
          l.running--;
          running--;
          release(target);
          pump();
          options.onIdleSlot?.();
          settleWaiters();
        });
    }
    settleWaiters();
  }

  return {
    add(jobs) {
      for (const job of jobs) {
        queued.push(job);
        loadOf(options.targetOf(job)).queued++;
      }
      pump();
    },
    get freeSlots() {
      const startable = queued.filter((j) => (load.get(options.targetOf(j))?.running ?? 0) < options.perTarget).length;
      return Math.max(0, options.concurrency - running - startable);
    },
    saturatedTargets() {
      return [...load].filter(([, l]) => l.running + l.queued >= options.perTarget).map(([t]) => t);
    },
    drained() {
      return new Promise((resolve, reject) => {
        waiters.push({ resolve, reject });
        settleWaiters();
      });
    },
    get running() {
      return running;
    },
  };
}
