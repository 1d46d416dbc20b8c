// LOG_FORMAT: what config.ts decides, and what each format writes.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";

const capture = () => {
  let text = "";
  return { destination: { write: (line: string) => void (text += line) }, text: () => text };
};

describe("LOG_FORMAT", () => {
  it("defaults to pretty on a terminal and to JSON anywhere else", () => {
    expect(loadConfig({}, true).logFormat).toBe("pretty");
    expect(loadConfig({}, false).logFormat).toBe("json");
    expect(loadConfig({ LOG_FORMAT: "json" }, true).logFormat).toBe("json");
    expect(loadConfig({ LOG_FORMAT: "pretty" }, false).logFormat).toBe("pretty");
  });

  it("rejects any other value, naming the variable", () => {
    expect(() => loadConfig({ LOG_FORMAT: "text" }, false)).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: "text" }, false)).toThrow(/LOG_FORMAT: /);
  });

  it("pretty: a readable line, uncoloured when it goes elsewhere than a terminal, secrets still redacted", () => {
    const out = capture();
    createLogger({ level: "info", format: "pretty", destination: out.destination }).info({ dashboard: "d1", token: "eyJsecret" }, "snapshot stored");
    expect(out.text()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: snapshot stored \{"dashboard":"d1","token":"\[Redacted\]"\}\n$/);
  });

  it("json: one JSON object per line", () => {
    const out = capture();
    createLogger({ level: "info", format: "json", destination: out.destination }).warn({ n: 1 }, "slow");
    expect(JSON.parse(out.text())).toMatchObject({ level: 40, msg: "slow", n: 1 });
  });
});
