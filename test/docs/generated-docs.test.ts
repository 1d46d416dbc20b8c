// docs/ is generated from the code: the committed files must be what the generator makes now, so a new
// frame, close code, kind, slug, variable or metric cannot reach main without its documentation.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateDocs } from "../../scripts/gen-docs.js";
import { CLOSE } from "../../src/protocol/frames.js";
import { EVENT_KINDS } from "../../src/protocol/event.js";
import { PROBLEM_STATUS } from "../../src/http/problem.js";
import { CONFIG_SCHEMA } from "../../src/config.js";

const docs = generateDocs();

describe("docs/", () => {
  it.each(Object.keys(docs))("%s is what `npm run docs` generates (run it and commit)", (path) => {
    expect(readFileSync(path, "utf8")).toBe(docs[path]);
  });

  it("names every close code, event kind, problem slug and variable the code has", () => {
    for (const c of Object.values(CLOSE)) expect(docs["docs/protocol.md"]).toMatch(new RegExp(`^\\| ${c} \\|`, "m"));
    for (const gap of ["slow_consumer", "broker_outage", "retention"]) expect(docs["docs/protocol.md"]).toContain(`| \`${gap}\` |`);
    for (const op of ["auth", "subscribe", "unsubscribe", "ack", "ping"]) expect(docs["docs/protocol.md"]).toContain(`| \`${op}\` |`);
    for (const kind of EVENT_KINDS) expect(docs["docs/events.md"]).toContain(`| \`${kind}\` |`);
    for (const [slug, status] of Object.entries(PROBLEM_STATUS)) expect(docs["docs/errors.md"]).toContain(`| \`${slug}\` | ${status} |`);
    for (const name of Object.keys(CONFIG_SCHEMA.shape)) expect(docs["docs/configuration.md"]).toContain(`| \`${name}\` |`);
  });

  it("shows each variable's default as the schema gives it", () => {
    expect(docs["docs/configuration.md"]).toContain("| `PORT` | `8787` |");
    expect(docs["docs/configuration.md"]).toContain("| `DELIVERY_RETRY_SCHEDULE` | `0,5000,300000,1800000,7200000,18000000,36000000,36000000` |");
    expect(docs["docs/configuration.md"]).toContain("| `DATABASE_URL` | unset |");
  });
});
