// A store on a fresh PostgreSQL database (EXPLAIN is PostgreSQL's) whose statements can be captured with
// their real parameters as the code runs them, and the plan of a captured statement: for the tests that
// check what PostgreSQL does with what the store really sends.
import postgres from "postgres";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type Database } from "../../src/store/database.js";
import { createDrizzleStore } from "../../src/store/drizzle-store.js";
import type { Store } from "../../src/store/store.js";
import { createPostgresDatabase, type TestDatabase } from "./test-database.js";

export interface Captured {
  query: string;
  params: unknown[];
}

export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

export interface CapturedPlans {
  readonly database: Database;
  readonly store: Store;
  /** A plain connection to the same database, outside the store. */
  readonly admin: postgres.Sql;
  /** The statements `fn` sends, in order. */
  capture(fn: () => Promise<unknown>): Promise<Captured[]>;
  /** PostgreSQL's plan for a captured statement, with its parameters (nothing is executed). */
  planOf(c: Captured): Promise<PlanNode>;
}

/** Every node of a plan, the root first. */
export const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

/** Opens in beforeAll and closes in afterAll of the calling file. */
export function useCapturedPlans(poolSize = 4): CapturedPlans {
  let pg: TestDatabase & { url: string };
  let opened: { database: Database; store: Store; admin: postgres.Sql } | undefined;
  let sink: Captured[] | null = null;
  beforeAll(async () => {
    pg = await createPostgresDatabase();
    const database = await openDatabase({ databaseUrl: pg.url, poolSize, queryLogger: { logQuery: (query, params) => void sink?.push({ query, params }) } });
    opened = { database, store: createDrizzleStore(database), admin: postgres(pg.url, { max: 1, onnotice: () => {} }) };
  });
  afterAll(async () => {
    await Promise.all([opened?.store.close(), opened?.admin.end()]);
    await pg?.drop();
  });
  const ready = () => {
    if (!opened) throw new Error("useCapturedPlans: not open yet (use it inside a test)");
    return opened;
  };
  return {
    get database() {
      return ready().database;
    },
    get store() {
      return ready().store;
    },
    get admin() {
      return ready().admin;
    },
    async capture(fn) {
      const captured: Captured[] = [];
      sink = captured;
      try {
        await fn();
      } finally {
        sink = null;
      }
      return captured;
    },
    async planOf(c) {
      const [row] = await ready().admin.unsafe(`explain (format json) ${c.query}`, c.params as postgres.ParameterOrJSON<never>[]);
      return (row!["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
    },
  };
}
