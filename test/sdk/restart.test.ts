// The SDK against a real hub process that is killed (SIGKILL) mid-stream and restarted on the same port:
// the publisher retries what fails meanwhile, and each consumer still ends with the log, once, in order.
import { describe, expect, it } from "vitest";
import { record, Recorder, until } from "../../client-sdk/test/helpers.js";
import { readLog } from "./helpers/hub-api.js";
import { publishSnapshots } from "./helpers/publisher.js";
import { useRealHub } from "./helpers/real-hub-context.js";
import { expectSameStream } from "./helpers/stream-check.js";

const SNAPSHOTS = 60;
const CRASH_AFTER = 20;

const t = useRealHub();

describe("a hub crash and restart on the same port", () => {
  it("leaves a dashboard consumer and a persona consumer with every seq exactly once, in order", async () => {
    const { node, admin } = t;
    const id = await t.dashboard("restart", { alertsFor: "alice" });
    const dashboardClient = t.client("alice");
    const personaClient = t.client("alice");
    const states = [record(dashboardClient, "state"), record(personaClient, "state")];
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
    await until(() => dashboard.events.at(-1)?.seq === log.at(-1)!.seq, `dashboard consumer reaches seq ${log.at(-1)!.seq}`, 30_000);
    await until(() => alerts.events.at(-1)?.seq === personaLog.at(-1)!.seq, "persona consumer reaches the last alert", 30_000);

    expect(report.failedAttempts, "some posts failed while the hub was down").toBeGreaterThan(0);
    for (const s of states) expect(s, "each client lost its connection and came back").toContain("disconnected");
    expect(personaLog.length).toBeGreaterThanOrEqual(SNAPSHOTS - 1);
    expectSameStream(dashboard.events, log);
    expectSameStream(alerts.events, personaLog);
    expect([...dashboard.gaps, ...alerts.gaps]).toEqual([]);
    expect([...dashboard.errors, ...alerts.errors].filter((e) => e.fatal)).toEqual([]);
  }, 60_000);
});
