// When a snapshot policy is due. Every node computes the same instants from the same policy, so the
// instant itself can serve as the cross-node de-duplication key.
import { Cron } from "croner";

const HOURLY = "0 * * * *";

export function patternOf(policy: unknown): string | null {
  if (policy === "hourly") return HOURLY;
  if (typeof policy !== "string" || policy === "manual") return null;
  return policy;
}

/** The first instant of the policy strictly after `after`, in UTC; null for manual or a broken pattern. */
export function nextDue(policy: unknown, after: Date): Date | null {
  const pattern = patternOf(policy);
  if (!pattern) return null;
  try {
    return new Cron(pattern, { paused: true, timezone: "UTC" }).nextRun(after);
  } catch {
    return null;
  }
}
