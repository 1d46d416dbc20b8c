// The `dashwatch` CLI run in this process through its command table (src/cli/commands.ts): what the bin
// does minus the process itself, in milliseconds instead of a Node start. The env is only what is given,
// as for a child started by cli-process.ts.
import { Readable, Writable } from "node:stream";
import { run } from "../../src/cli/commands.js";
import type { CliResult } from "./cli-process.js";

/** A Writable that keeps what is written to it. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

export async function runCliInProcess(args: string[], env: Record<string, string> = {}, stdin = ""): Promise<CliResult> {
  const [stdout, stderr] = [sink(), sink()];
  const code = await run(args, {
    stdin: Readable.from([stdin]),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { ...env },
    // Never interrupted: these runs end on their own.
    interrupted: new Promise<string>(() => {}),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
