// Exponential backoff, the hub's one copy: the broker's reconnects (full jitter, which spreads a fleet of
// reconnecting nodes instead of stampeding Redis together) and the delivery worker's failed rounds.
// client-sdk/src/backoff.ts is the SDK's own: the package builds alone and cannot import this file.

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
}

/** `baseMs` doubled per attempt, capped at `maxMs`; the exponent is capped too, so no attempt overflows. */
export const exponentialCeiling = (attempt: number, baseMs: number, maxMs: number) => Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));

export function fullJitterBackoff(options: BackoffOptions = {}): (attempt: number) => number {
  const base = options.baseMs ?? 50;
  const max = options.maxMs ?? 5000;
  const random = options.random ?? Math.random;
  if (!(base > 0) || !(max >= base)) throw new Error("backoff needs 0 < baseMs <= maxMs");
  // A floor keeps a zero draw from turning into a busy reconnect loop.
  return (attempt) => Math.max(10, Math.floor(random() * exponentialCeiling(attempt, base, max)));
}
