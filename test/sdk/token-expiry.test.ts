// Tokens that stop being valid, against a real hub. The hub allows 30 s of clock skew on `exp`, so a
// "short-lived" token is made with `exp` already in the past: 60 s back it is refused at once; 22 s back
// it is accepted now and refused 8 s later. The hub ends a session at its token's exp plus the tolerance
// unless the SDK renews the token on the open connection; the reconnect case crashes the hub and brings it
// back once the first token is past the tolerance.
import { describe, expect, it } from "vitest";
import { Recorder, until } from "../../client-sdk/test/helpers.js";
import { mintToken } from "../../src/http/token.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { readLog } from "./helpers/hub-api.js";
import { publishSnapshots } from "./helpers/publisher.js";
import { useRealHub } from "./helpers/real-hub-context.js";
import { expectSameStream } from "./helpers/stream-check.js";
import { tapSockets, type SocketTap } from "./helpers/tapped-socket.js";
import { waitFor } from "./helpers/wait-for.js";

const UNAUTHORIZED = 4401;
const TOLERANCE_S = 30;

const t = useRealHub();

const nowS = () => Math.floor(Date.now() / 1000);
/** jose takes a number as the `exp` claim itself: a token that expired (or expires) at `exp`, in seconds. */
const tokenExpiringAt = (exp: number) => mintToken(TEST_SECRET, { sub: "alice", expiresIn: exp });
const freshToken = () => mintToken(TEST_SECRET, { sub: "alice", expiresIn: "1h" });

function consumerOf(id: string, tap: SocketTap, getToken: () => Promise<string>): Recorder {
  const client = t.client("alice", { getToken, WebSocket: tap.Socket });
  // An explicit since: no head lookup over HTTP, so the first getToken() is the socket's.
  return new Recorder(client.subscribe(`dashboard:${id}`, { since: { [id]: 0 } }));
}

async function expectWholeLog(id: string, consumer: Recorder): Promise<void> {
  const log = await readLog(t.node.url, t.admin, id);
  await until(() => consumer.events.at(-1)?.seq === log.at(-1)!.seq, `the consumer reaches seq ${log.at(-1)!.seq}`, 30_000);
  expectSameStream(consumer.events, log);
  expect(consumer.gaps).toEqual([]);
  expect(consumer.errors.filter((e) => e.fatal)).toEqual([]);
}

describe("token expiry", () => {
  it("asks getToken again when the hub refuses an expired token with 4401, then delivers everything", async () => {
    const id = await t.dashboard("expired");
    const issued: string[] = [];
    const tap = tapSockets();
    const consumer = consumerOf(id, tap, async () => {
      issued.push(issued.length === 0 ? "expired" : "fresh");
      return issued.length === 1 ? tokenExpiringAt(nowS() - TOLERANCE_S - 30) : freshToken();
    });

    await publishSnapshots({ targets: () => [t.node.url], token: t.admin, dashboardId: id, count: 10 });
    await expectWholeLog(id, consumer);
    expect(tap.closeCodes[0], "the first socket was refused").toBe(UNAUTHORIZED);
    expect(issued.slice(0, 2)).toEqual(["expired", "fresh"]);
  }, 60_000);

  it("renews the token on the open connection before the hub's deadline: no reconnect, nothing lost", async () => {
    const id = await t.dashboard("renewed");
    const tap = tapSockets();
    // Accepted for about 2 s more; getToken's next token is good for an hour.
    const firstExp = nowS() - (TOLERANCE_S - 2);
    let calls = 0;
    const consumer = consumerOf(id, tap, () => (calls++ === 0 ? tokenExpiringAt(firstExp) : freshToken()));
    await publishSnapshots({ targets: () => [t.node.url], token: t.admin, dashboardId: id, count: 5 });
    await until(() => consumer.events.at(-1)?.seq === 5, "live on the first token", 20_000);
    // Past the first token's deadline, the same socket still delivers.
    await waitFor(async () => nowS() > firstExp + TOLERANCE_S + 1, "the first token is past the hub's tolerance", 10_000, 100);
    await publishSnapshots({ targets: () => [t.node.url], token: t.admin, dashboardId: id, count: 5, body: (i) => ({ rows: [{ id: "a", score: 100 + i }] }) });
    await expectWholeLog(id, consumer);
    expect(tap.sockets, "one socket throughout").toHaveLength(1);
    expect(tap.closeCodes).toEqual([]);
    expect(calls).toBe(2);
  }, 60_000);

  it("resumes without loss when a reconnect finds the session's token expired meanwhile", async () => {
    const { node, admin } = t;
    const id = await t.dashboard("midsession");
    const tap = tapSockets();
    // Accepted for about 8 s more (exp is 22 s back, the tolerance 30 s).
    const firstExp = nowS() - (TOLERANCE_S - 8);
    const first = tokenExpiringAt(firstExp);
    // A token provider that hands out its cached token until the hub has refused it.
    const getToken = () => (tap.closeCodes.includes(UNAUTHORIZED) ? freshToken() : first);
    const consumer = consumerOf(id, tap, getToken);

    await publishSnapshots({ targets: () => [node.url], token: admin, dashboardId: id, count: 10 });
    await until(() => consumer.events.at(-1)?.seq === 10, "live on the first token", 20_000);
    expect(tap.closeCodes, "the first token was accepted").toEqual([]);

    await node.crash();
    // Bring the hub back only once it would refuse the first token: otherwise there is nothing to test.
    await waitFor(async () => nowS() > firstExp + TOLERANCE_S + 1, "the first token is past the hub's tolerance", 15_000, 200);
    await node.restart();
    await publishSnapshots({ targets: () => [node.url], token: admin, dashboardId: id, count: 10, body: (i) => ({ rows: [{ id: "a", score: 100 + i }] }) });

    await expectWholeLog(id, consumer);
    expect(tap.closeCodes.filter((c) => c === UNAUTHORIZED), "refused once, then a fresh token").toHaveLength(1);
  }, 60_000);
});
