import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), "utf8");

/** A file's declarations: without its header comment and its imports (the copy inlines what they bring). */
function declarations(source: string): string {
  const lines = source.split("\n");
  while (lines[0] !== undefined && (lines[0].startsWith("//") || lines[0].trim() === "")) lines.shift();
  return lines
    .filter((line) => !line.startsWith("import "))
    .join("\n")
    .trim();
}

describe("the SDK's copy of the protocol", () => {
  const copy = read("../src/protocol.ts");

  it.each(["event.ts", "frames.ts"])("holds the hub's src/protocol/%s word for word", (file) => {
    expect(copy).toContain(declarations(read(`../../src/protocol/${file}`)));
  });
});
