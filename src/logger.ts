// The hub's logger, and what an error may say in it: never a query's parameters or a secret.
import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger } from "pino";
import type { PrettyOptions } from "pino-pretty";

/** What a database error may tell the log: its class and where it happened, never a value. */
// postgres.js names them constraint_name, table_name, ...; PGlite constraint, table, ...
const SAFE_CAUSE_FIELDS = ["code", "severity", "routine", "schema_name", "table_name", "column_name", "constraint_name", "schema", "table", "column", "constraint", "errno", "syscall"] as const;
// Secrets with a known shape, wherever they turn up in a message: signing secrets and bearer tokens.
const SECRET_SHAPES = [/whsec_[A-Za-z0-9+/=_-]+/g, /\beyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){1,2}/g];
const MAX_CAUSES = 4;

/** A database driver's query error carries the statement and every parameter (a secret, rows, personas). */
function queryParams(error: Error): unknown[] {
  const params = (error as { params?: unknown }).params;
  return Array.isArray(params) ? params : [];
}

function scrub(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) out = out.split(v).join("[param]");
  for (const shape of SECRET_SHAPES) out = out.replace(shape, "[secret]");
  return out;
}

/**
 * pino's `err` serializer. A drizzle query error's message ends with its parameters, and the
 * database's own error may repeat one (`invalid input syntax for type uuid: "..."`) or name it in
 * `detail`: so the message keeps the statement only, every parameter value is cut from what is left,
 * and a cause keeps only the fields listed above.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: "a value that is not an Error was thrown" };
  const values: string[] = [];
  for (let e: unknown = error, n = 0; e instanceof Error && n < MAX_CAUSES; e = e.cause, n++) {
    for (const p of queryParams(e)) {
      const text = typeof p === "string" ? p : p === null || p === undefined ? "" : JSON.stringify(p);
      // Short values (a limit of 100, "id") would shred the message and are not what leaks.
      if (text && text.length >= 4) values.push(text);
    }
  }
  return describe(error, values, 0);
}

function describe(error: Error, values: readonly string[], depth: number): Record<string, unknown> {
  const fields = error as unknown as Record<string, unknown>;
  // A drizzle query error: "Failed query: <statement>\nparams: <values>"; the statement has placeholders only.
  const message = typeof fields.query === "string" && error.message.startsWith("Failed query:") ? `Failed query: ${fields.query}` : error.message;
  const out: Record<string, unknown> = { type: error.name, message: scrub(message, values) };
  const frames = (error.stack ?? "").split("\n").filter((l) => l.startsWith("    at "));
  out.stack = [`${error.name}: ${out.message as string}`, ...frames].join("\n");
  for (const field of depth > 0 ? SAFE_CAUSE_FIELDS : (["code"] as const)) {
    const v = fields[field];
    if (typeof v === "string" || typeof v === "number") out[field] = v;
  }
  if (error.cause instanceof Error && depth < MAX_CAUSES) out.cause = describe(error.cause, values, depth + 1);
  return out;
}

export interface LoggerOptions {
  level: string;
  /** JSON lines (the default), or pino-pretty's one readable line per entry for a person at a terminal. */
  format?: "json" | "pretty";
  /** Where lines go; stdout when absent. */
  destination?: DestinationStream;
}

export function createLogger(setup: LoggerOptions): Logger {
  const options = {
    level: setup.level,
    serializers: { err: serializeError },
    redact: ["req.headers.authorization", "token", "*.token", "secret", "*.secret", "fallback_secret", "*.fallback_secret"],
  };
  return pino(options, setup.format === "pretty" ? prettyStream(setup.destination) : setup.destination);
}

// In the main thread, not a pino transport: a transport is a worker thread with its own heap, and the
// embedded hub counts its megabytes. Loaded on demand, so a JSON-logging hub never reads pino-pretty.
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  const { prettyFactory } = createRequire(import.meta.url)("pino-pretty") as { prettyFactory: (o: PrettyOptions) => (line: string) => string };
  const out = destination ?? pino.destination(1);
  const colorize = destination === undefined && process.stdout.isTTY === true;
  const prettify = prettyFactory({ colorize, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  return { write: (line: string) => void out.write(prettify(line)) };
}
