// The token renewed on the open connection before it expires, and ops paced under the hub's limit.
import { describe, expect, it } from "vitest";
import { useHub } from "./harness.js";
import { changed, until } from "./helpers.js";
import type { Client } from "../src/index.js";

/** until() re-checks on changed(): make state changes count. */
const watched = (client: Client) => {
  client.on("state", () => changed());
  return client;
};

const nowS = () => Math.floor(Date.now() / 1000);

describe("token renewal and op pacing", () => {
  const t = useHub();

  it("sends auth with a later token from getToken on the open connection before exp, without reconnecting", async () => {
    const exps = [nowS() + 10, nowS() + 3600];
    const issued: string[] = [];
    const client = watched(t.client({
      getToken: () => {
        issued.push(t.hub.issue("alice", exps[Math.min(issued.length, exps.length - 1)]));
        return issued.at(-1)!;
      },
    }));
    await until(() => client.state === "connected", "connected");
    // exp is within the 30 s margin: the renewal goes out at once.
    const session = t.hub.sessions[0]!;
    await until(() => session.received.filter((f) => f.op === "auth").length === 2, "a second auth on the same socket");
    expect(session.received.filter((f) => f.op === "auth")).toEqual([
      { op: "auth", token: issued[0] },
      { op: "auth", token: issued[1] },
    ]);
    expect(session.token).toBe(issued[1]);
    expect(t.hub.sessions).toHaveLength(1);
    expect(client.state).toBe("connected");
  });

  it("leaves a fixed token and a token without exp alone", async () => {
    const fixed = watched(t.client({ token: t.hub.issue("alice", nowS() + 10) }));
    const noExp = watched(t.client({ getToken: () => t.hub.issue("alice") }));
    await until(() => fixed.state === "connected" && noExp.state === "connected", "both connected");
    // A ping round trip on each: anything the SDK meant to send at welcome has gone by then.
    fixed.subscribe("persona:alice");
    noExp.subscribe("persona:alice");
    await until(() => t.hub.sessions.every((s) => s.channels.size === 1), "both subscribed");
    for (const s of t.hub.sessions) expect(s.received.filter((f) => f.op === "auth")).toHaveLength(1);
  });

  it("sends at most opsPerSecond ops a second, and acks that wait their turn merge into one", async () => {
    for (const id of ["a", "b", "c", "d", "e"]) t.hub.createDashboard(id);
    const client = watched(t.client({ opsPerSecond: 2 }));
    await until(() => client.state === "connected", "connected");
    for (const id of ["a", "b", "c", "d", "e"]) client.subscribe(`dashboard:${id}`);
    const session = t.hub.sessions[0]!;
    // The burst is spent and three subscribes wait: the acks queue behind them.
    await until(() => session.channels.size === 2, "the first burst");
    for (let seq = 1; seq <= 10; seq++) client.ack("a", seq);
    await until(() => session.channels.size === 5 && session.received.some((f) => f.op === "ack"), "every subscribe and the ack");
    const ops = session.received.slice(1);
    expect(ops.filter((f) => f.op === "ack")).toEqual([{ op: "ack", dashboard_id: "a", seq: 10 }]);
    const times = session.receivedAt.slice(1);
    // A burst of 2, then one every 500 ms: no second holds more than 4.
    for (let i = 0; i + 4 < times.length; i++) expect(times[i + 4]! - times[i]!).toBeGreaterThanOrEqual(990);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1400);
  });
});
