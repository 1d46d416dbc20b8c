#!/usr/bin/env node
// The `dashwatch` command (package bin): tail, post, token. Exit codes: 0 ok, 1 runtime error, 2 usage.
// This file owns the process; the commands run against a CliIo (commands.ts).
import { once } from "node:events";
import { run } from "./commands.js";

async function main(): Promise<void> {
  const interrupted = Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]).then(() => "signal");
  // A closed stdout shows up as a failed write where it matters (tail keeps that event's position).
  process.stdout.on("error", () => {});
  const code = await run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, interrupted });
  process.exitCode = code;
  // The SDK's sockets and timers are closed, but stdin may still hold the loop open.
  process.stdin.destroy();
  setImmediate(() => process.exit(code));
}

void main();
