// The SDK against a real hub process that is killed (SIGKILL) mid-stream and restarted on the same port:
// the publisher retries what fails meanwhile, and each consumer still ends with the log, once, in order.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Client, type ClientState } from "../../client-sdk/src/index.js";
import { record, Recorder, until } from "../../client-sdk/test/helpers.js";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createPostgresDatabase } from "../helpers/test-database.js";
import { createDashboard, readLog, subscribeEverySnapshot } from "./helpers/hub-api.js";
import { HubNode } from "./helpers/hub-node.js";
import { publishSnapshots } from "./helpers/publisher.js";
import { expectSameStream } from "./helpers/stream-check.js";

const SNAPSHOTS = 60;
const CRASH_AFTER = 20;

let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
let node: HubNode;
const clients: Client[] = [];

beforeAll(async () => {
  db = await createPostgresDatabase();
  node = await HubNode.start({ databaseUrl: db.url });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await node?.stop();
  await db?.drop();
});

describe("a hub crash and restart on the same port", () => {
  it("leaves a dashboard consumer and a persona consumer with every seq exactly once, in order", async () => {
    const id = `restart-${randomUUID().slice(0, 8)}`;
    const admin = await mintToken(TEST_SECRET, { sub: "publisher-1", roles: ["admin"] });
    await createDashboard(node.url, admin, id);
    await subscribeEverySnapshot(node.url, admin, id, "alice");

    const connect = () => {
      const client = createClient({ url: node.url, getToken: () => mintToken(TEST_SECRET, { sub: "alice" }), backoff: { minMs: 50, maxMs: 500 } });
      clients.push(client);
      return client;
    };
    const dashboardClient = connect();
    const personaClient = connect();
    const states: ClientState[][] = [record(dashboardClient, "state"), record(personaClient, "state")];
    // since 0: everything from the dashboard's first event, whenever the subscribe reaches the hub.
    const dashboard = new Recorder(dashboardClient.subscribe(`dashboard:${id}`, { since: { [id]: 0 } }));
    const alerts = new Recorder(personaClient.subscribe("persona:alice", { since: { [id]: 0 } }));

    let restarted: Promise<void> | undefined;
    const report = await publishSnapshots({
      targets: () => [node.url],
      token: admin,
      dashboardId: id,
      count: SNAPSHOTS,
      async onAccepted(i) {
        if (i !== CRASH_AFTER - 1) return;
        // Crash while both sessions are live, not before they have started.
        await until(() => dashboard.events.length > CRASH_AFTER && alerts.events.length > 0, "both consumers live", 20_000);
        restarted = node.crash().then(() => node.restart());
      },
    });
    await restarted;

    const log = await readLog(node.url, admin, id);
    const personaLog = await readLog(node.url, admin, id, "alice");
    const head = log.at(-1)!.seq;
    await until(() => dashboard.events.at(-1)?.seq === head, `dashboard consumer reaches seq ${head}`, 30_000);
    await until(() => alerts.events.at(-1)?.seq === personaLog.at(-1)!.seq, "persona consumer reaches the last alert", 30_000);

    expect(report.failedAttempts, "some posts failed while the hub was down").toBeGreaterThan(0);
    for (const s of states) expect(s, "each client lost its connection and came back").toContain("disconnected");
    expect(personaLog.length).toBeGreaterThanOrEqual(SNAPSHOTS - 1);
    expectSameStream(dashboard.events, log);
    expectSameStream(alerts.events, personaLog);
    expect(dashboard.gaps).toEqual([]);
    expect(alerts.gaps).toEqual([]);
    expect([...dashboard.errors, ...alerts.errors].filter((e) => e.fatal)).toEqual([]);
  }, 60_000);
});
