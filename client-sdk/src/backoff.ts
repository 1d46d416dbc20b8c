// Reconnect delays. Full jitter (every client picks uniformly below an exponential ceiling) keeps a fleet
// of clients that lost the same hub from coming back in one wave.

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
}

export type Random = () => number;

function ceiling(attempt: number, { minMs, maxMs }: BackoffOptions): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
}

/** Attempt 0 waits below `minMs`, each later attempt doubles the ceiling, up to `maxMs`. */
export function fullJitter(attempt: number, options: BackoffOptions, random: Random): number {
  return Math.floor(random() * ceiling(attempt, options));
}

/**
 * After 4429 (too many connections) coming back at once only earns another 4429: wait at least half of a
 * ceiling eight times higher (still capped at `maxMs`).
 */
export function politeDelay(attempt: number, options: BackoffOptions, random: Random): number {
  const top = ceiling(attempt + 3, options);
  return Math.floor(top / 2 + (random() * top) / 2);
}
