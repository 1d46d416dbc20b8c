// Every change that appends to a dashboard's log takes its row lock first (event-log.ts says why: it keeps
// seq contiguous across connections and nodes). Ingest takes the same lock on the columns it reads
// (ingest-reads.ts); the other writers lock the whole row here.
import { eq } from "drizzle-orm";
import type { Tx } from "./database.js";
import { dashboards } from "./schema.js";

/** The dashboard's row, locked until the transaction ends; undefined when there is no such dashboard. */
export const lockDashboard = async (tx: Tx, id: string) => (await tx.select().from(dashboards).where(eq(dashboards.id, id)).for("update"))[0];
