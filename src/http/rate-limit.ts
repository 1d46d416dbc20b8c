// A fixed one-minute window per persona over /api writes, per node: cheap, and bounded by the number of
// personas active in the current minute.
export interface RateLimiter {
  /** null when allowed; otherwise the seconds until the window resets. */
  hit(key: string, now: number): number | null;
}

export function createRateLimiter(perMinute: number): RateLimiter {
  let windowStart = 0;
  let counts = new Map<string, number>();
  return {
    hit(key, now) {
      if (perMinute === 0) return null;
      if (now - windowStart >= 60_000) {
        windowStart = now - (now % 60_000);
        counts = new Map();
      }
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      return count > perMinute ? Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000)) : null;
    },
  };
}
