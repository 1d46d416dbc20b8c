import type { DeliveryConfig, DeliveryLogger } from "../../../src/delivery/delivery-worker.js";

export const testConfig = (overrides: Partial<DeliveryConfig> = {}): DeliveryConfig => ({
  deliveryRetryScheduleMs: [0, 50, 50],
  webhookTimeoutMs: 2_000,
  webhookAllowPrivate: true,
  smtpUrl: null,
  smtpFrom: "dashwatch@example.com",
  ...overrides,
});

/** Keeps what the worker logged, so a test can show it when it fails. */
export function memoryLogger(): DeliveryLogger & { lines: { level: string; msg: string; obj: object }[] } {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}
