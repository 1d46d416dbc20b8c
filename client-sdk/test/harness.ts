// Per-test fake hub and clients, torn down after each test; short backoff so reconnects are quick.
import { afterEach, beforeEach } from "vitest";
import { createClient, type Client, type ClientOptions } from "../src/index.js";
import { FakeHub } from "./fake-hub.js";

export interface Harness {
  readonly hub: FakeHub;
  /** A client for persona `alice` unless told otherwise; getToken issues a fresh token each time. */
  client(options?: Partial<ClientOptions>): Client;
}

export function useHub(): Harness {
  let hub: FakeHub | undefined;
  const clients: Client[] = [];
  beforeEach(async () => {
    hub = await FakeHub.start();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await hub?.close();
  });
  return {
    get hub(): FakeHub {
      if (!hub) throw new Error("the hub starts in beforeEach");
      return hub;
    },
    client(options = {}) {
      const current = this.hub;
      const base: ClientOptions = { url: current.url, backoff: { minMs: 1, maxMs: 20 } };
      const auth = options.token === undefined && options.getToken === undefined ? { getToken: () => current.issue("alice") } : {};
      const client = createClient({ ...base, ...auth, ...options });
      clients.push(client);
      return client;
    },
  };
}
