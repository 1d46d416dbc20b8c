// The `dashwatch` CLI as a child process, run from source the way `npm run dev` runs the hub: the SDK
// from client-sdk/src (the "dashwatch-source" condition of package.json's "#client" import).
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = ["--conditions=dashwatch-source", "--import", "tsx", "src/cli/dashwatch.ts"];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The stdout lines parsed as JSON, complete lines only. */
  lines(): unknown[];
  /** Resolves when `check` holds on what has been printed; rejects with the output on timeout or exit. */
  until(check: (run: CliRun) => boolean, label: string, timeoutMs?: number): Promise<void>;
  exited: Promise<CliResult>;
}

export function startCli(args: string[], env: Record<string, string> = {}, stdin?: string): CliRun {
  const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const watchers = new Set<() => void>();
  const changed = () => watchers.forEach((w) => w());
  child.stdout!.on("data", (c: Buffer) => ((out += c.toString()), changed()));
  child.stderr!.on("data", (c: Buffer) => ((err += c.toString()), changed()));
  if (stdin !== undefined) child.stdin!.end(stdin);
  else child.stdin!.end();
  const exited = new Promise<CliResult>((resolve) => child.once("close", (code) => (resolve({ code, stdout: out, stderr: err }), changed())));
  const run: CliRun = {
    child,
    stdout: () => out,
    stderr: () => err,
    lines: () => out.split("\n").slice(0, -1).map((l) => JSON.parse(l) as unknown),
    exited,
    until(check, label, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const done = (error?: Error) => {
          clearTimeout(timer);
          watchers.delete(watcher);
          if (error) reject(error);
          else resolve();
        };
        const watcher = () => {
          if (check(run)) return done();
          if (child.exitCode !== null || child.signalCode !== null) done(new Error(`dashwatch exited before: ${label}\nstdout:\n${out}\nstderr:\n${err}`));
        };
        const timer = setTimeout(() => done(new Error(`timed out waiting for: ${label}\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        watchers.add(watcher);
        watcher();
      });
    },
  };
  return run;
}

export function runCli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return startCli(args, env, stdin).exited;
}
