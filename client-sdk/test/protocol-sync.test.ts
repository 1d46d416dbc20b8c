// client-sdk/src/protocol.ts is generated from the hub's src/protocol/ (scripts/sync-protocol.ts): this
// fails while the generated file is stale or a protocol file is missing from the generator's list.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderProtocol, TARGET, unlistedFiles } from "../../scripts/sync-protocol.js";

describe("the SDK's protocol.ts", () => {
  it("is what `npm run protocol:sync` writes from src/protocol/", () => {
    expect(readFileSync(TARGET, "utf8")).toBe(renderProtocol());
  });

  it("comes from every file of src/protocol/", () => {
    expect(unlistedFiles()).toEqual([]);
  });

  it("would notice a change to a protocol file, and refuses an import the SDK cannot follow", () => {
    const real = (file: string) => readFileSync(new URL(`../../src/protocol/${file}`, import.meta.url), "utf8");
    const changed = renderProtocol((file) => (file === "frames.ts" ? real(file).replace("slowConsumer: 4408", "slowConsumer: 4409") : real(file)));
    expect(changed).not.toBe(readFileSync(TARGET, "utf8"));
    expect(changed).toContain("slowConsumer: 4409");
    expect(() => renderProtocol((file) => `// header\nimport type { Store } from "../store/store.js";\n${real(file)}`)).toThrow(/imports from outside src\/protocol/);
  });
});
