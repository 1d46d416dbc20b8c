// One per-file context for the SDK tests against real hub processes: a fresh PostgreSQL database, the hub
// nodes on it, an admin token, and SDK clients that are closed with everything else in afterAll.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { createClient, type Client, type ClientOptions } from "../../../client-sdk/src/index.js";
import { mintToken } from "../../../src/http/token.js";
import { TEST_SECRET } from "../../helpers/test-app.js";
import { createPostgresDatabase } from "../../helpers/test-database.js";
import { createDashboard, subscribeEverySnapshot } from "./hub-api.js";
import { HubNode } from "./hub-node.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface RealHubContext {
  readonly databaseUrl: string;
  /** The first node. */
  readonly node: HubNode;
  readonly nodes: HubNode[];
  /** An admin token for the publisher and for reading the log. */
  readonly admin: string;
  /** A dashboard with a unique id (Redis topics are shared by every run on the machine), and optionally a persona subscription matching every snapshot. */
  dashboard(prefix: string, o?: { alertsFor?: string }): Promise<string>;
  /** An SDK client with a short backoff, getToken minting for `persona` unless options say otherwise. */
  client(persona: string, options?: Partial<ClientOptions>): Client;
}

const tokenFor = (persona: string) => mintToken(TEST_SECRET, { sub: persona });

export function useRealHub(o: { nodes?: number; redis?: boolean; env?: Record<string, string> } = {}): RealHubContext {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  const nodes: HubNode[] = [];
  const clients: Client[] = [];
  let admin = "";

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const options = { databaseUrl: db.url, redisUrl: o.redis ? REDIS_URL : undefined, env: o.env };
    nodes.push(...(await Promise.all(Array.from({ length: o.nodes ?? 1 }, () => HubNode.start(options)))));
    admin = await mintToken(TEST_SECRET, { sub: "publisher-1", roles: ["admin"] });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await db?.drop();
  });

  return {
    get databaseUrl() {
      if (!db) throw new Error("the database is created in beforeAll");
      return db.url;
    },
    get node() {
      if (!nodes[0]) throw new Error("the nodes start in beforeAll");
      return nodes[0];
    },
    nodes,
    get admin() {
      return admin;
    },
    async dashboard(prefix, d = {}) {
      const id = `${prefix}-${randomUUID().slice(0, 8)}`;
      await createDashboard(nodes[0]!.url, admin, id);
      if (d.alertsFor !== undefined) await subscribeEverySnapshot(nodes[0]!.url, admin, id, d.alertsFor);
      return id;
    },
    client(persona, options = {}) {
      const client = createClient({ url: nodes[0]!.url, getToken: () => tokenFor(persona), backoff: { minMs: 50, maxMs: 500 }, ...options });
      clients.push(client);
      return client;
    },
  };
}
