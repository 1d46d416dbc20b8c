// A long log of large events, written by the database itself: committing tens of megabytes event by event
// through the store would take most of a test's time.
import { eq, sql, type SQL } from "drizzle-orm";
import postgres from "postgres";
import type { Database } from "../../../src/store/database.js";
import { dashboards } from "../../../src/store/schema.js";

/** Appends `count` events of about `bytes` bytes of JSON each after the dashboard's head. */
export async function fillLog(databaseUrl: string, dashboardId: string, count: number, bytes: number): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.begin(async (tx) => {
      const [row] = await tx<{ head: string }[]>`select head_seq as head from dashboards where id = ${dashboardId} for update`;
      const head = Number(row!.head);
      await tx`insert into events (dashboard_id, seq, kind, at, actor, data)
               select ${dashboardId}, ${head} + g, 'subscription.deleted', now(), 'test', jsonb_build_object('subscription_id', repeat('x', ${bytes}::int))
               from generate_series(1, ${count}::int) g`;
      await tx`update dashboards set head_seq = ${head + count} where id = ${dashboardId}`;
    });
  } finally {
    await sql.end();
  }
}

/**
 * Appends `count` events after the dashboard's head through the store's own database (PostgreSQL or
 * PGlite). `data` is a SQL expression of `g`, the event's number from 1.
 */
export async function fillLogVia(database: Database, dashboardId: string, count: number, kind: SQL, data: SQL): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [row] = await tx.select({ head: dashboards.headSeq }).from(dashboards).where(eq(dashboards.id, dashboardId)).for("update");
    const head = Number(row!.head);
    await tx.execute(sql`insert into events (dashboard_id, seq, kind, at, actor, data)
      select ${dashboardId}::text, ${head}::bigint + g, ${kind}, now(), 'test', ${data}
      from generate_series(1, ${count}::int) g`);
    await tx.update(dashboards).set({ headSeq: head + count }).where(eq(dashboards.id, dashboardId));
  });
}

/** Data of about `bytes` bytes of JSON, for `fillLogVia`. */
export const bigData = (bytes: number): SQL => sql`jsonb_build_object('subscription_id', repeat('x', ${bytes}::int))`;
