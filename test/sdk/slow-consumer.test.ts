// A consumer whose app is slow and whose network path stalls, against a hub with a 16 KiB outbound budget.
// The SDK reads its socket eagerly, so a slow handler alone never makes the hub see a slow consumer: the
// test pauses the socket under the SDK (nothing read, the kernel buffers fill, the hub's bufferedAmount
// grows) until the hub has dropped events, then lets it go. The hub must then send a recoverable
// slow_consumer gap (checked on its /metrics), and the SDK must fill it from the log without the app
// ever hearing of it.
import { describe, expect, it } from "vitest";
import { gate, Recorder, until } from "../../client-sdk/test/helpers.js";
import { metric, readLog } from "./helpers/hub-api.js";
import { publishSnapshots } from "./helpers/publisher.js";
import { useRealHub } from "./helpers/real-hub-context.js";
import { expectSameStream } from "./helpers/stream-check.js";
import { tapSockets } from "./helpers/tapped-socket.js";
import { waitFor } from "./helpers/wait-for.js";

const BUDGET = 16_384;
/** Loopback kernel buffers take about 4 MB before the hub's own buffer grows; this is the upper bound. */
const MAX_SNAPSHOTS = 150;

const t = useRealHub({
  // A long heartbeat: a pong queued behind a stalled socket would otherwise close it (4408) instead of a gap.
  env: { WS_OUTBOUND_BUDGET_BYTES: String(BUDGET), WS_SLOW_CLOSE_MS: "60000", WS_HEARTBEAT_MS: "120000" },
});

const dropped = () => metric(t.node.url, "dashwatch_ws_events_dropped_total");
const slowGaps = () => metric(t.node.url, "dashwatch_ws_gaps_sent_total", { reason: "slow_consumer" });

/** Every snapshot replaces all 100 rows with new long ids: each diff lists 100 added and 100 removed, ~60 KB. */
// Ids near the 256-character limit: each snapshot replaces every row, so its diff carries 200 long ids.
const bulkySnapshot = (i: number) => ({
  rows: Array.from({ length: 100 }, (_, k) => ({ id: `${i}-${k}-${"x".repeat(240)}`, score: k })),
  primary_metric: i + 1,
});

const CASES = [
  { name: "the SDK holding everything for the app", maxBufferedEvents: undefined, sdkErrors: [] },
  // The SDK lets go of live events past 10 held (they are in the log) on top of the hub's gap.
  { name: "the SDK also over its own bound (maxBufferedEvents 10)", maxBufferedEvents: 10, sdkErrors: ["overflow"] },
];

describe("a slow consumer on a hub with a small outbound budget", () => {
  it.each(CASES)("gets a slow_consumer gap the SDK fills from the log, so the app sees no gap: $name", async ({ maxBufferedEvents, sdkErrors }) => {
    const { node, admin } = t;
    const id = await t.dashboard("slow", { alertsFor: "alice" });
    const tap = tapSockets();
    const client = t.client("alice", { WebSocket: tap.Socket, maxBufferedEvents });
    const subscription = client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } });
    const consumer = new Recorder(subscription);
    const slowApp = gate();
    subscription.on("event", () => slowApp.promise);
    await until(() => consumer.events.length > 0, "the first event (the subscription is open)", 20_000);

    const [droppedBefore, gapsBefore] = await Promise.all([dropped(), slowGaps()]);
    const socket = tap.sockets.at(-1)!;
    socket.pause();
    const report = await publishSnapshots({
      targets: () => [node.url],
      token: admin,
      dashboardId: id,
      count: MAX_SNAPSHOTS,
      body: bulkySnapshot,
      onAccepted: async () => (await dropped()) > droppedBefore,
    });
    expect(report.accepted, "the hub started dropping before the publisher ran out").toBeLessThan(MAX_SNAPSHOTS);
    // A few more while it is congested, so the dropped range is more than one event.
    await publishSnapshots({ targets: () => [node.url], token: admin, dashboardId: id, count: 3, body: (i) => bulkySnapshot(MAX_SNAPSHOTS + i) });

    socket.resume();
    await waitFor(async () => (await slowGaps()) > gapsBefore, "the hub sends a slow_consumer gap");
    slowApp.open();

    const log = await readLog(node.url, admin, id);
    await until(() => consumer.events.at(-1)?.seq === log.at(-1)!.seq, `the consumer reaches seq ${log.at(-1)!.seq}`, 30_000);
    expectSameStream(consumer.events, log);
    expect(consumer.gaps, "a recoverable gap never reaches the app").toEqual([]);
    expect(consumer.errors.map((e) => e.code)).toEqual(sdkErrors);
    expect(tap.sockets, "the gap was filled on the same connection, not by a reconnect").toHaveLength(1);
  }, 60_000);
});
