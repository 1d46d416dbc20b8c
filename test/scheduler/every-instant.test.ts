// The scheduler wakes for the next due instant and takes every one: none skipped after creation or a PATCH,
// none taken twice by two nodes. The clock and timers are the test's, so each wait is exact.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/app/content-hash.js";
import { DEFAULT_SETTINGS } from "../../src/http/routes/dashboards.js";
import { createCommittedWrites } from "../../src/app/committed-writes.js";
import { createScheduler, MAX_LATENESS_MS } from "../../src/scheduler/scheduler.js";
import { createTestStore, type TestStore } from "../helpers/test-store.js";
import { manualTime, type ManualTime } from "./helpers/manual-timers.js";

const START = new Date("2026-03-01T02:12:40.000Z");
let time: ManualTime;
let source: Server;
let sourceUrl: string;
/** The test clock at each request the source answered, per path. */
const asked: Date[] = [];
const askedLate: Date[] = [];
let t: TestStore;

beforeAll(async () => {
  time = manualTime(START);
  source = createServer((req, res) => {
    (req.url === "/late.json" ? askedLate : asked).push(time.now());
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify([{ id: "a", v: asked.length }]));
  });
  await new Promise<void>((r) => source.listen(0, "127.0.0.1", r));
  sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}/board.json`;
  t = await createTestStore({ now: () => time.now() });
});
afterAll(async () => {
  source.close();
  await t.close();
});

const node = () =>
  createScheduler({
    store: t.store,
    writes: createCommittedWrites({ store: t.store, onCommitted: () => {} }),
    logger: pino({ level: "silent" }),
    source: { allowPrivate: true, timeoutMs: 2000, maxBytes: 1 << 20, maxRows: 1000 },
    now: () => time.now(),
    timers: time.timers,
  });

const at = (iso: string) => new Date(`2026-03-01T${iso}Z`);

describe("scheduled snapshots", () => {
  it("takes every */5 s instant from the first after creation, and the first after a PATCH, once across two nodes", async () => {
    const nodes = [node(), node()];
    const settle = async () => {
      for (const n of nodes) await n.settled();
    };
    for (const n of nodes) n.start();
    await settle();

    await time.advanceTo(at("02:12:45.700"), settle);
    await t.store.createDashboard("every", { ...DEFAULT_SETTINGS, metadata: { snapshot_policy: "*/5 * * * * *" }, source_url: sourceUrl });
    await time.advanceTo(at("02:13:31.500"), settle);

    const expected = ["02:12:50", "02:12:55", "02:13:00", "02:13:05", "02:13:10", "02:13:15", "02:13:20", "02:13:25", "02:13:30"].map((s) => at(`${s}.000`));
    expect(asked.map((d) => d.toISOString())).toEqual(expected.map((d) => d.toISOString()));
    expect(await t.store.listSnapshots("every", 100)).toHaveLength(expected.length);

    // Every 10 s from 02:13:31.5: the first instant after the PATCH is 02:13:40, however soon it comes.
    asked.length = 0;
    await t.store.updateDashboard("every", { metadata: { snapshot_policy: "*/10 * * * * *" } });
    await time.advanceTo(at("02:14:00.500"), settle);
    expect(asked.map((d) => d.toISOString())).toEqual([at("02:13:40.000"), at("02:13:50.000"), at("02:14:00.000")].map((d) => d.toISOString()));
    expect(await t.store.listSnapshots("every", 100)).toHaveLength(expected.length + 3);
    for (const n of nodes) n.stop();
  });

  it("takes an instant that came while no node ran, if it is within the lateness bound, and skips older ones", async () => {
    await time.advanceTo(at("02:20:00.000"), async () => {});
    await t.store.createDashboard("late", { ...DEFAULT_SETTINGS, metadata: { snapshot_policy: "* * * * * *" }, source_url: sourceUrl.replace("board", "late") });
    // Nothing ran for 60 s; a node starting now takes the instants of the last MAX_LATENESS_MS only.
    await time.advanceTo(at("02:21:00.000"), async () => {});
    const late = node();
    late.start();
    await late.settled();
    late.stop();
    expect(askedLate).toHaveLength(MAX_LATENESS_MS / 1000);
    const state = async (iso: string) => {
      const key = `scheduler:${at(iso).toISOString()}`;
      return (await t.store.claimIdempotencyKey("late", key, sha256(key))).state;
    };
    expect(await state("02:20:41.000")).toBe("done");
    expect(await state("02:21:00.000")).toBe("done");
    expect(await state("02:20:40.000")).toBe("claimed"); // never taken: it was over 20 s late
    expect(await t.store.listSnapshots("late", 100)).toHaveLength(MAX_LATENESS_MS / 1000);
  });
});
