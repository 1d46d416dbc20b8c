// Full-jitter exponential backoff: spreads a fleet of reconnecting nodes instead of stampeding Redis together.

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
}

export function fullJitterBackoff(options: BackoffOptions = {}): (attempt: number) => number {
  const base = options.baseMs ?? 50;
  const max = options.maxMs ?? 5000;
  const random = options.random ?? Math.random;
  if (!(base > 0) || !(max >= base)) throw new Error("backoff needs 0 < baseMs <= maxMs");
  return (attempt) => {
    const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
    // A floor keeps a zero draw from turning into a busy reconnect loop.
    return Math.max(10, Math.floor(random() * ceiling));
  };
}
