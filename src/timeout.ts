// Deadlines around work that has its own timeouts but must not be trusted to honour them: a Redis command
// that hangs (CLIENT PAUSE, a half-open socket), a webhook, a DNS lookup. The hub's one timer race.

/** The work's value, or `onTimeout()` once `ms` pass first. The work itself is not cancelled. */
export async function within<T, U>(work: Promise<T>, ms: number, onTimeout: () => U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

const TIMED_OUT: unique symbol = Symbol("timed out");

/** The work's value, or a TimeoutError once `ms` pass first: the log is the truth, so failing fast beats waiting. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  const value = await within(work, ms, () => TIMED_OUT);
  if (value === TIMED_OUT) throw new TimeoutError(what, ms);
  return value as T;
}
