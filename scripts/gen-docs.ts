// `npm run docs`: writes docs/*.md from the code (scripts/docs/*). `--check` only compares, failing on drift;
// test/docs/generated-docs.test.ts does the same in the suite.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { configurationDoc } from "./docs/config-doc.js";
import { errorsDoc } from "./docs/errors-doc.js";
import { eventsDoc } from "./docs/events-doc.js";
import { operationsDoc } from "./docs/operations-doc.js";
import { protocolDoc } from "./docs/protocol-doc.js";

/** Paths relative to the repository root, which is where the generator reads the source from. */
export function generateDocs(): Record<string, string> {
  return {
    "docs/protocol.md": protocolDoc(),
    "docs/events.md": eventsDoc(),
    "docs/errors.md": errorsDoc(),
    "docs/configuration.md": configurationDoc(),
    "docs/operations.md": operationsDoc(),
  };
}

function main(): void {
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  for (const [path, text] of Object.entries(generateDocs())) {
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {}
    if (current === text) continue;
    stale.push(path);
    if (!check) writeFileSync(path, text);
  }
  if (check && stale.length > 0) {
    console.error(`out of date (run npm run docs): ${stale.join(", ")}`);
    process.exit(1);
  }
  console.log(check ? "docs are up to date" : stale.length ? `wrote ${stale.join(", ")}` : "docs were up to date");
}

// Run as a script, not when the test imports generateDocs.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
