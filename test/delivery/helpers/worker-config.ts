import type { DeliveryConfig, DeliveryLogger } from "../../../src/delivery/delivery-worker.js";

export const testConfig = (overrides: Partial<DeliveryConfig> = {}): DeliveryConfig => ({
  deliveryRetryScheduleMs: [0, 50, 50],
  webhookTimeoutMs: 2_000,
  webhookAllowPrivate: true,
  smtpUrl: null,
  smtpFrom: "dashwatch@example.com",
  ...overrides,
});

export interface MemoryLogger extends DeliveryLogger {
  lines: { level: string; msg: string; obj: object }[];
  /** Resolves once a line with this message has been logged `times` times in all. */
  logged(msg: string, times?: number): Promise<void>;
}

/** Keeps what the worker logged: a test can wait on a line instead of sleeping. */
export function memoryLogger(): MemoryLogger {
  const lines: MemoryLogger["lines"] = [];
  const waiters = new Set<() => void>();
  const at = (level: string) => (obj: object, msg: string) => {
    lines.push({ level, msg, obj });
    waiters.forEach((check) => check());
  };
  return {
    lines,
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    logged: (msg, times = 1) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (lines.filter((l) => l.msg === msg).length < times) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}
