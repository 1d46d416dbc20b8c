// `dashwatch post <dashboard> [file|-]`: one snapshot from a file or stdin, the hub's answer on stdout.
import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { parseChannel } from "#client";
import { CommandError, UsageError } from "./cli-error.js";
import { HUB_OPTIONS, hubTarget, parseCommand } from "./common-options.js";
import { say, writeLine, type CliIo } from "./io.js";

export const POST_HELP = `Usage: dashwatch post <dashboard> [FILE|-] [options]

Posts one snapshot to POST /api/dashboard/<dashboard>/snapshot and prints the hub's answer
({snapshot_id, seq_range, diff, alerts}) as one JSON line. FILE (or stdin, with - or no FILE) holds
the body the route takes ({"rows": [...], "primary_metric"?, "taken_at"?}) or a bare array of rows.
A refusal is printed to stderr: a summary line, each field error, then the problem+json as sent.

Options:
  --idempotency-key KEY   sent as Idempotency-Key: a retry with the same key and body writes nothing
  --url URL               the hub (default: DASHWATCH_URL, else http://127.0.0.1:8787)
  --token TOKEN           bearer token with the publisher or admin role (default: DASHWATCH_TOKEN)
  -h, --help              this help

Exit: 0 posted, 1 refused by the hub or not reachable, 2 usage error.
`;

export async function post(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { ...HUB_OPTIONS, "idempotency-key": { type: "string" } });
  if (values.help) {
    io.stdout.write(POST_HELP);
    return 0;
  }
  const [dashboard, source = "-", ...extra] = positionals;
  if (dashboard === undefined || extra.length > 0) throw new UsageError("post takes a dashboard id and at most one file");
  if (!parseChannel(`dashboard:${dashboard}`)) throw new UsageError(`"${dashboard}" is not a dashboard id ([a-z0-9][a-z0-9_-]{0,127})`);
  if (source === "-" && (io.stdin as { isTTY?: boolean }).isTTY) throw new UsageError("no FILE given and stdin is a terminal: pass a file, or pipe the body in");
  const target = hubTarget(io, values);
  const body = toBody(await readSource(source, io.stdin), source === "-" ? "stdin" : source);

  const headers: Record<string, string> = { authorization: `Bearer ${target.token}`, "content-type": "application/json" };
  if (values["idempotency-key"] !== undefined) headers["idempotency-key"] = values["idempotency-key"];
  const endpoint = `${target.url}/api/dashboard/${dashboard}/snapshot`;
  let response: Response;
  try {
    response = await fetch(endpoint, { method: "POST", headers, body });
  } catch (error) {
    throw new CommandError(`cannot reach the hub at ${target.url}: ${describe(error)}`);
  }
  const answer = await response.text();
  if (response.ok) {
    await writeLine(io.stdout, answer.trim());
    return 0;
  }
  reportProblem(io, response.status, answer);
  return 1;
}

async function readSource(source: string, stdin: Readable): Promise<string> {
  if (source !== "-") {
    try {
      return await readFile(source, "utf8");
    } catch (error) {
      throw new CommandError(`cannot read ${source}: ${(error as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

/** A bare array is the rows; anything else goes as it is, and the hub judges it. */
function toBody(text: string, where: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CommandError(`${where} is not JSON: ${(error as Error).message}`);
  }
  return Array.isArray(value) ? JSON.stringify({ rows: value }) : text;
}

function reportProblem(io: CliIo, status: number, text: string): void {
  const problem = parseProblem(text);
  const slug = typeof problem?.type === "string" ? problem.type.split("/").pop() : "error";
  say(io, `the hub answered ${status} ${slug}: ${typeof problem?.detail === "string" ? problem.detail : text.slice(0, 500)}`);
  if (Array.isArray(problem?.errors)) {
    for (const e of problem.errors as { pointer?: unknown; detail?: unknown }[]) io.stderr.write(`  ${String(e.pointer) || "/"}: ${String(e.detail)}\n`);
  }
  if (problem) io.stderr.write(`${JSON.stringify(problem)}\n`);
}

function parseProblem(text: string): { type?: unknown; detail?: unknown; errors?: unknown } | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : null;
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
