// A source that hangs holds only its own dashboard: each dashboard's instants run in a chain of their own.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import type { LogEntry } from "../../src/protocol/event.js";
import { createCommittedWrites } from "../../src/app/committed-writes.js";
import { createScheduler } from "../../src/scheduler/scheduler.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";

let clock = new Date("2026-03-03T10:00:00.500Z");
let release!: () => void;
const released = new Promise<void>((r) => (release = r));
let hangingAsked = 0;
let server: Server;
let base: string;
let t: TestStore;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (req.url === "/hang") {
      hangingAsked++;
      await released;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify([{ id: "a", v: clock.getTime() }]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestStore({ now: () => clock });
});
afterAll(async () => {
  release();
  server.close();
  await t.close();
});

describe("a hanging source", () => {
  it("does not delay another dashboard's instants", async () => {
    const policy = { snapshot_policy: "*/5 * * * * *" };
    await t.store.createDashboard("hangs", { ...DEFAULT_SETTINGS, metadata: policy, source_url: `${base}/hang` });
    await t.store.createDashboard("flows", { ...DEFAULT_SETTINGS, metadata: policy, source_url: `${base}/flow` });
    const waiting: { n: number; resolve: () => void }[] = [];
    let flowed = 0;
    const publish = (entries: LogEntry[]) => {
      if (entries[0]?.event.dashboard_id !== "flows") return;
      flowed++;
      for (const w of waiting.filter((w) => w.n <= flowed)) w.resolve();
    };
    const flowedTo = (n: number) => new Promise<void>((resolve) => (n <= flowed ? resolve() : waiting.push({ n, resolve })));
    const s = createScheduler({
      store: t.store,
      writes: createCommittedWrites({ store: t.store, onCommitted: publish }),
      logger: pino({ level: "silent" }),
      source: { allowPrivate: true, timeoutMs: 30_000, maxBytes: 1 << 20, maxRows: 1000 },
      now: () => clock,
    });

    const all: Promise<number>[] = [];
    for (let n = 1; n <= 3; n++) {
      clock = new Date(clock.getTime() + 5000);
      all.push(s.tick());
      await flowedTo(n);
    }
    expect(flowed).toBe(3);
    expect(hangingAsked).toBe(1);
    expect(await t.store.listSnapshots("hangs", 10)).toHaveLength(0);

    release();
    await Promise.all(all);
    await s.settled();
    // Once it answers, the chain takes the instants that are still within the lateness bound.
    expect(await t.store.listSnapshots("hangs", 10)).toHaveLength(3);
  });
});
