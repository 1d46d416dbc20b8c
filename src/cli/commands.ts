// The command table and the one place that turns a command's outcome into an exit code. Separate from
// the bin (`dashwatch.ts`), which owns the process, so that tests run commands in-process.
import { CommandError, UsageError } from "./cli-error.js";
import type { CliIo } from "./io.js";
import { post } from "./post.js";
import { tail } from "./tail.js";
import { token } from "./token-command.js";

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = { tail, post, token };

export const HELP = `Usage: dashwatch <command> [options]   (dashwatch <command> --help for its options)

Commands:
  tail dashboard:<id>|persona:<P> [--state FILE]   stream events as JSON lines, resumable
  post <dashboard> [FILE|-]                        post a snapshot (a body or a bare array of rows)
  token --sub SUB --roles r1,r2 [--ttl 3600]       mint a token with the hub's secret (embedded mode)

Environment: DASHWATCH_URL (default http://127.0.0.1:8787), DASHWATCH_TOKEN; token reads the hub's own
JWT_SECRET / DATA_DIR / JWT_ISSUER / JWT_AUDIENCE.
Exit codes: 0 ok, 1 runtime error, 2 usage error.
`;

/** Runs one command line; resolves to its exit code (0 ok, 1 runtime error, 2 usage). */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(HELP);
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  try {
    if (!command) throw new UsageError(name === undefined ? "no command given" : `unknown command "${name}"`);
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`dashwatch: ${error.message}\n${command ? `Run \`dashwatch ${name} --help\` for its usage.` : HELP}\n`);
      return error.exitCode;
    }
    if (error instanceof CommandError) {
      io.stderr.write(`dashwatch: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`dashwatch: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
