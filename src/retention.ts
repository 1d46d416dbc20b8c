// EVENT_RETENTION_DAYS: prune the log hourly. Clients resuming from a pruned seq get a `retention` gap.
import type { Logger } from "pino";
import type { Store } from "./store/store.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function startRetention(store: Store, days: number | null, logger: Logger, now: () => Date = () => new Date()): { stop(): void } {
  if (days === null) return { stop() {} };
  const prune = async () => {
    try {
      const deleted = await store.pruneEvents(new Date(now().getTime() - days * DAY_MS));
      if (deleted > 0) logger.info({ deleted, days }, "pruned events past retention");
    } catch (err) {
      logger.error({ err }, "event pruning failed; will retry next hour");
    }
  };
  void prune();
  const timer = setInterval(() => void prune(), HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
