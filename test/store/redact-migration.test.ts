// drizzle/0003 redacts the webhook URLs, email addresses and fallback targets of events stored before
// events were written redacted, exactly as src/core/redact.ts does, on PostgreSQL and on PGlite.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactEmail, redactUrl } from "../../src/core/redact.js";
import { createPostgresDatabase } from "../helpers/test-database.js";
import { emailArb, webhookUrlArb } from "../helpers/target-arbitraries.js";

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** The migrations folder as it was before 0003: only the first entry of the journal. */
let before: string;
beforeAll(() => {
  before = mkdtempSync(join(tmpdir(), "dw-migrations-"));
  mkdirSync(join(before, "meta"));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta/_journal.json"), "utf8"));
  const first = journal.entries[0];
  copyFileSync(join(MIGRATIONS, `${first.tag}.sql`), join(before, `${first.tag}.sql`));
  writeFileSync(join(before, "meta/_journal.json"), JSON.stringify({ ...journal, entries: [first] }));
});
afterAll(() => rmSync(before, { recursive: true, force: true }));

interface Executor {
  execute(query: ReturnType<typeof sql>): Promise<unknown>;
}

const urls = fc.sample(webhookUrlArb.map((u) => u.url), { numRuns: 60, seed: 7 });
const emails = fc.sample(emailArb, { numRuns: 60, seed: 7 });
const FIXED_URLS = ["https://hooks.example.com/services/T0/B0/XYZ", "https://Hooks.Example.COM:443/a?b=c", "https://h.example.com:8443/p"];
const FIXED_EMAILS = ["alice@example.com", "é.x@exämple.com"];

/** Events as the hub wrote them before 0003: full targets in alerts and in subscription.created. */
function oldEvents(): { kind: string; data: Record<string, unknown> }[] {
  const alerts = [...FIXED_URLS, ...urls].map((u) => ({ kind: "alert.matched", data: { subscription_id: "s", subscriber_kind: "webhook", subscriber_id: u, trace: { node: "x", matched: true } } }));
  const mails = [...FIXED_EMAILS, ...emails].map((e) => ({ kind: "alert.matched", data: { subscription_id: "s", subscriber_kind: "email", subscriber_id: e } }));
  return [
    ...alerts,
    ...mails,
    { kind: "alert.matched", data: { subscription_id: "p", subscriber_kind: "persona", subscriber_id: "https://not-redacted.example.com/persona" } },
    { kind: "subscription.created", data: { id: "p", subscriber_kind: "persona", subscriber_id: "alice", fallback: { after_ms: 5000, webhook_url: FIXED_URLS[0], email: "bob@example.org" } } },
    { kind: "subscription.created", data: { id: "q", subscriber_kind: "persona", subscriber_id: "carol", fallback: { after_ms: 5000, email: "carol@example.org" } } },
    { kind: "subscription.created", data: { id: "w", subscriber_kind: "webhook", subscriber_id: FIXED_URLS[1], fallback: null } },
    { kind: "snapshot.created", data: { snapshot_id: "x", diff: null } },
  ];
}

function expected(e: { kind: string; data: Record<string, any> }): Record<string, unknown> {
  const d = { ...e.data };
  if (d.subscriber_kind === "webhook") d.subscriber_id = redactUrl(d.subscriber_id);
  if (d.subscriber_kind === "email") d.subscriber_id = redactEmail(d.subscriber_id);
  if (d.fallback) {
    d.fallback = { ...d.fallback };
    if (d.fallback.webhook_url) d.fallback.webhook_url = redactUrl(d.fallback.webhook_url);
    if (d.fallback.email) d.fallback.email = redactEmail(d.fallback.email);
  }
  return d;
}

async function insertOld(db: Executor, events: ReturnType<typeof oldEvents>) {
  const rows = events.map((e, i) => ({ dashboard_id: "old", seq: i + 1, kind: e.kind, at: new Date(0).toISOString(), actor: "test", data: e.data }));
  await db.execute(sql`insert into dashboards (id, head_seq) values ('old', ${events.length})`);
  await db.execute(sql`insert into events (dashboard_id, seq, kind, at, actor, data)
    select dashboard_id, seq, kind, at, actor, data from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(dashboard_id text, seq bigint, kind text, at timestamptz, actor text, data jsonb)`);
}

async function readBack(db: Executor): Promise<Record<string, unknown>[]> {
  const result = (await db.execute(sql`select data from events where dashboard_id = 'old' order by seq`)) as { rows?: { data: Record<string, unknown> }[] } & { data: Record<string, unknown> }[];
  return (result.rows ?? result).map((r) => r.data);
}

async function check(db: Executor, migrate: (folder: string) => Promise<void>) {
  await migrate(before);
  const events = oldEvents();
  await insertOld(db, events);
  await migrate(MIGRATIONS);
  expect(await readBack(db)).toEqual(events.map(expected));
}

describe("migration 0003: redact stored event targets", () => {
  it("on PostgreSQL", async () => {
    const target = await createPostgresDatabase();
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(target.url, { max: 1, onnotice: () => {} });
    try {
      const db = drizzle(client);
      await check(db, (folder) => migrate(db, { migrationsFolder: folder }));
    } finally {
      await client.end();
      await target.drop();
    }
  });

  // PGlite starts in seconds when the machine is idle, in tens of them when it is not.
  it("on PGlite", { timeout: 120_000 }, async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    const client = new PGlite();
    try {
      const db = drizzle(client);
      await check(db, (folder) => migrate(db, { migrationsFolder: folder }));
    } finally {
      await client.close();
    }
  });
});
