// DELIVERY_RETRY_SCHEDULE: entry k is the delay before attempt k, counted from attempt k-1's failure
// (entry 0 from the alert). The schedule's length is the number of attempts.

/** Problems with a schedule, each in words; empty when it is usable. */
export function scheduleProblems(schedule: readonly number[]): string[] {
  if (schedule.length === 0) return ["the retry schedule needs at least one entry"];
  return schedule.some((ms) => !Number.isInteger(ms) || ms < 0) ? ["retry schedule entries must be whole milliseconds ≥ 0"] : [];
}

/** When attempt number `attemptsMade` (0-based) is due after the previous one failed at `failedAt`; null when spent. */
export function nextAttemptAt(schedule: readonly number[], attemptsMade: number, failedAt: Date): Date | null {
  const delay = schedule[attemptsMade];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay);
}
