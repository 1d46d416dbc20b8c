import { describe, expect, it } from "vitest";
import { useHub } from "./harness.js";
import { Recorder, record, until } from "./helpers.js";

describe("the connection", () => {
  const t = useHub();

  it("sends auth first and subscribes only after the welcome", async () => {
    t.hub.createDashboard("sales");
    t.client().subscribe("dashboard:sales");
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "subscribed");
    expect(t.hub.sessions[0]?.received.map((f) => f.op)).toEqual(["auth", "subscribe"]);
  });

  it("pings every heartbeat_ms and reconnects after two silent intervals", async () => {
    t.hub.heartbeatMs = 20;
    t.hub.answerPings = false;
    t.hub.createDashboard("sales");
    const client = t.client();
    const states = record(client, "state");
    const seen = new Recorder(client.subscribe("dashboard:sales"));
    await until(() => t.hub.sessions.length >= 2, "a second session after the silence");
    expect(t.hub.sessions[0]?.received.filter((f) => f.op === "ping").length).toBeGreaterThan(0);
    expect(states.slice(0, 3)).toEqual(["connecting", "connected", "disconnected"]);

    // A hub that answers keeps the session alive, and the stream resumes on it.
    t.hub.answerPings = true;
    await until(() => t.hub.sessions.at(-1)?.channels.has("dashboard:sales"), "resubscribed");
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(1);
  });

  it("after 4429 waits longer than the plain backoff before coming back", async () => {
    // random() = 0: a plain reconnect would be immediate; after 4429 it must still wait.
    const client = t.client({ backoff: { minMs: 40, maxMs: 1000 }, random: () => 0 });
    const states = record(client, "state");
    await until(() => states.includes("connected"), "connected");
    const closedAt = Date.now();
    t.hub.closeAll(4429, "too many connections");
    await until(() => t.hub.sessions.length === 2, "reconnected");
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(150);
  });

  it("derives /ws from the http base and refuses bad options all at once", () => {
    expect(() => t.client({ url: "ftp://x", backoff: { minMs: 0, maxMs: 1 }, replayPageSize: 5000 })).toThrow(
      /url must be http: or https:.*backoff needs.*replayPageSize/,
    );
    expect(() => t.client({ token: "a", getToken: () => "b" })).toThrow(/not both/);
  });

  it("rejects channels of another form and a second subscription to the same channel", () => {
    const client = t.client();
    expect(() => client.subscribe("sales")).toThrow(TypeError);
    client.subscribe("dashboard:sales");
    expect(() => client.subscribe("dashboard:sales")).toThrow(/already subscribed/);
  });
});
