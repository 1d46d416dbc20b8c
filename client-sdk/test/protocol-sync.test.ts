// client-sdk/src/protocol.ts is generated from the hub's src/protocol/ (scripts/sync-protocol.ts): this
// fails while the generated file is stale or a protocol file is missing from the generator's list, and
// checks that the SDK's own build refuses to run on a stale file.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
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

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("the SDK's build", () => {
  it("passes its protocol check on this tree", async () => {
    const { stdout } = await run("npm", ["run", "protocol:check"], { cwd: join(ROOT, "client-sdk") });
    expect(stdout).toContain("sync-protocol.ts --check");
  });

  it("fails on a stale protocol.ts before it compiles anything", async () => {
    // A copy of the files the check reads, with one hub protocol file changed and the SDK's left behind.
    const tree = mkdtempSync(join(tmpdir(), "dw-protocol-"));
    try {
      for (const path of ["scripts/sync-protocol.ts", "src/protocol", "client-sdk/package.json", "client-sdk/tsconfig.json", "client-sdk/src"]) {
        cpSync(join(ROOT, path), join(tree, path), { recursive: true });
      }
      const frames = join(tree, "src/protocol/frames.ts");
      writeFileSync(frames, readFileSync(frames, "utf8").replace("slowConsumer: 4408", "slowConsumer: 4409"));
      // The copy has no node_modules of its own: tsx and tsc come from the repository's, as they do when
      // the SDK is built inside it.
      const env = { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}${delimiter}${process.env.PATH ?? ""}` };
      const build = await run("npm", ["run", "build"], { cwd: join(tree, "client-sdk"), env }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(build.code).not.toBe(0);
      expect(build.stderr).toContain("client-sdk/src/protocol.ts is stale: run npm run protocol:sync");
      expect(existsSync(join(tree, "client-sdk/dist")), "tsc never ran").toBe(false);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
