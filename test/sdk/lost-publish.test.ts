// A node SIGKILLed right after an ingest commits and before it publishes to the broker: nothing ever
// republishes that range, yet node B's clients get it within seconds, because B checks the log heads of
// what its sessions follow (src/hub/reconcile.ts) and catches lagging feeds up from the log.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client } from "../../client-sdk/src/index.js";
import { Recorder, until } from "../../client-sdk/test/helpers.js";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createPostgresDatabase } from "../helpers/test-database.js";
import { call, createDashboard, metric, readLog, subscribeEverySnapshot } from "./helpers/hub-api.js";
import { HubNode } from "./helpers/hub-node.js";
import { defaultSnapshot } from "./helpers/publisher.js";
import { waitFor } from "./helpers/wait-for.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const RECONCILE_MS = Number(process.env.LOST_PUBLISH_RECONCILE_MS ?? 1000);
// Interval + grace (1 s) + the catch-up read, with room for a loaded machine.
const WITHIN_MS = 6000;

const run = randomUUID().slice(0, 8);
const id = `lost-${run}`;
const placed = `placed-${run}`;
const fresh = `fresh-${run}`;
let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
let a: HubNode;
let b: HubNode;
const clients: Client[] = [];

beforeAll(async () => {
  db = await createPostgresDatabase();
  [a, b] = await Promise.all([
    HubNode.start({ databaseUrl: db.url, redisUrl: REDIS_URL, env: { TEST_CRASH_BEFORE_PUBLISH: id, HUB_RECONCILE_MS: String(RECONCILE_MS) } }),
    HubNode.start({ databaseUrl: db.url, redisUrl: REDIS_URL, env: { HUB_RECONCILE_MS: String(RECONCILE_MS) } }),
  ]);
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
});

const client = (persona: string) => {
  const c = createClient({ url: b.url, getToken: () => mintToken(TEST_SECRET, { sub: persona }), backoff: { minMs: 50, maxMs: 500 } });
  clients.push(c);
  return c;
};

describe("an ingest committed by a node that died before publishing", () => {
  it("reaches the other node's dashboard and persona subscribers within seconds", async () => {
    const admin = await mintToken(TEST_SECRET, { sub: "publisher-1", roles: ["admin"] });
    await createDashboard(b.url, admin, id);
    await subscribeEverySnapshot(b.url, admin, id, placed);
    await subscribeEverySnapshot(b.url, admin, id, fresh);
    expect((await call(b.url, "POST", `/api/dashboard/${id}/snapshot`, admin, defaultSnapshot(0))).status).toBe(201);

    const board = new Recorder(client(placed).subscribe(`dashboard:${id}`, { since: { [id]: 0 } }));
    // One persona feed placed on the dashboard by `since`; one that has never met it (first sight).
    const placedAlerts = new Recorder(client(placed).subscribe(`persona:${placed}`, { since: { [id]: 0 } }));
    const freshAlerts = new Recorder(client(fresh).subscribe(`persona:${fresh}`));
    const before = await readLog(b.url, admin, id);
    await until(() => board.events.at(-1)?.seq === before.at(-1)!.seq, "the dashboard subscription is live on B", 10_000);
    // The fresh feed must be open before the alert, or the alert predates it: B counts a feed once it
    // holds it (with its first-sight instant), and the other two feeds are already live.
    await waitFor(async () => (await metric(b.url, "dashwatch_ws_subscriptions")) >= 3, "B holds all three feeds", 10_000);

    const posted = await call(a.url, "POST", `/api/dashboard/${id}/snapshot`, admin, defaultSnapshot(1)).then(
      (r) => r.status,
      () => "no answer",
    );
    expect(posted).toBe("no answer");
    // The POST failing means the connection dropped; the exit follows at once.
    await expect.poll(() => a.running, { timeout: 10_000, interval: 10 }).toBe(false);
    expect(a.running).toBe(false);
    const killedAt = Date.now();

    const log = await readLog(b.url, admin, id);
    expect(log.length, "A committed before it died").toBeGreaterThan(before.length);
    const alertSeq = (persona: string) => log.filter((e) => e.kind === "alert.matched" && e.data.subscriber_id === persona).at(-1)!.seq;
    await until(() => board.events.at(-1)?.seq === log.at(-1)!.seq, "B's dashboard subscriber has the unpublished range", WITHIN_MS);
    await until(() => placedAlerts.events.some((e) => e.seq === alertSeq(placed)), "B's placed persona subscriber has its alert", WITHIN_MS);
    await until(() => freshAlerts.events.some((e) => e.seq === alertSeq(fresh)), "B's first-sight persona subscriber has its alert", WITHIN_MS);
    const tookMs = Date.now() - killedAt;
    console.log(`unpublished range reached node B's clients ${tookMs} ms after node A died (reconcile every ${RECONCILE_MS} ms)`);

    expect(board.seqs).toEqual(log.map((e) => e.seq));
    expect([...board.gaps, ...placedAlerts.gaps, ...freshAlerts.gaps]).toEqual([]);
  }, 60_000);
});
