// What a command touches of its process, so that `dashwatch.ts` is the only file that knows `process`.
import type { Readable, Writable } from "node:stream";

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** Resolves on the first SIGINT or SIGTERM. */
  interrupted: Promise<string>;
}

/** Resolves once the line has been handed to the stream; rejects if the stream cannot take it (EPIPE). */
export function writeLine(stream: Writable, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(`${line}\n`, (error) => (error ? reject(error) : resolve()));
  });
}

export function say(io: CliIo, message: string): void {
  io.stderr.write(`dashwatch: ${message}\n`);
}
