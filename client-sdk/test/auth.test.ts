import { describe, expect, it } from "vitest";
import { useHub } from "./harness.js";
import { Recorder, record, until } from "./helpers.js";

describe("tokens and refusals", () => {
  const t = useHub();

  it("calls getToken again after a 4401 and resumes with the new token", async () => {
    t.hub.createDashboard("sales");
    const issued: string[] = [];
    const client = t.client({
      getToken: () => {
        issued.push(t.hub.issue("alice"));
        return issued.at(-1) ?? "";
      },
    });
    const seen = new Recorder(client.subscribe("dashboard:sales"));
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "first subscribe");
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(1);

    // The token expired: the hub stops honouring it and closes the session.
    t.hub.revoke(issued[0] ?? "");
    t.hub.closeAll(4401, "token expired");
    t.hub.append("sales", "snapshot.created");
    await seen.waitForSeq(2);

    expect(issued).toHaveLength(2);
    expect(t.hub.sessions[1]?.token).toBe(issued[1]);
    expect(client.state).toBe("connected");
  });

  it("gives up after authRetries consecutive 4401s: state closed and one unauthorized error", async () => {
    let calls = 0;
    const client = t.client({
      authRetries: 2,
      getToken: () => {
        calls += 1;
        return "revoked";
      },
    });
    const states = record(client, "state");
    const errors = record(client, "error");
    await until(() => states.includes("closed"), "closed");
    expect(calls).toBe(3);
    expect(t.hub.sessions).toHaveLength(3);
    expect(errors.map((e) => [e.code, e.fatal])).toEqual([["unauthorized", true]]);
  });

  it("closes at the first 4401 when the token is fixed: there is nothing new to try", async () => {
    const client = t.client({ token: "not-issued" });
    const states = record(client, "state");
    const errors = record(client, "error");
    await until(() => states.includes("closed"), "closed");
    expect(t.hub.sessions).toHaveLength(1);
    expect(errors[0]?.code).toBe("unauthorized");
  });

  it("surfaces a forbidden channel once on that subscription and never asks for it again", async () => {
    t.hub.createDashboard("sales");
    const client = t.client();
    const forbidden = client.subscribe("persona:bob");
    const refused = new Recorder(forbidden);
    const allowed = new Recorder(client.subscribe("dashboard:sales"));
    await until(() => refused.errors.length > 0, "forbidden error");
    await until(() => t.hub.sessions[0]?.channels.has("dashboard:sales"), "dashboard subscribed");

    t.hub.closeAll(1001);
    t.hub.append("sales", "snapshot.created");
    await allowed.waitForSeq(1);

    expect(refused.errors.map((e) => [e.code, e.fatal])).toEqual([["forbidden", true]]);
    expect(t.hub.framesOf("subscribe").filter((f) => f.channel === "persona:bob")).toHaveLength(1);
    await expect(forbidden[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: "forbidden" });
  });

  it("reports every state in order: connecting, connected, disconnected, connecting, connected, closed", async () => {
    const client = t.client();
    const states = record(client, "state");
    await until(() => client.state === "connected", "connected");
    t.hub.closeAll(1001);
    await until(() => states.filter((s) => s === "connected").length === 2, "reconnected");
    client.close();
    expect(states).toEqual(["connecting", "connected", "disconnected", "connecting", "connected", "closed"]);
  });
});
