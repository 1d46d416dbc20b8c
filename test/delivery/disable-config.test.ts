// WEBHOOK_DISABLE_AFTER_MS: default 5 days, 0 allowed (never), anything but a whole number refused by name.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("WEBHOOK_DISABLE_AFTER_MS", () => {
  it.each([
    { value: undefined, expected: 432_000_000 },
    { value: "0", expected: 0 },
    { value: "1", expected: 1 },
  ])("reads $value as $expected", ({ value, expected }) => {
    expect(loadConfig(value === undefined ? {} : { WEBHOOK_DISABLE_AFTER_MS: value }).webhookDisableAfterMs).toBe(expected);
  });

  it.each(["-1", "1.5", "five days"])("refuses %s, naming the variable", (value) => {
    try {
      loadConfig({ WEBHOOK_DISABLE_AFTER_MS: value });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(":")[0])).toEqual(["WEBHOOK_DISABLE_AFTER_MS"]);
    }
  });
});
