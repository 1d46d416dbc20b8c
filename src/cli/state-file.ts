// Where `dashwatch tail` keeps its positions: the last seq written per dashboard, for one channel.
// Written after each event line, by a rename, so a kill leaves the old file or the new one, never half.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { CommandError } from "./cli-error.js";

export interface TailState {
  channel: string;
  since: Record<string, number>;
}

const isPosition = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** null when the file does not exist yet; a file that is not a tail state stops the command. */
export function readState(file: string): TailState | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CommandError(`cannot read the state file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CommandError(`the state file ${file} is not JSON; move it away to start over`);
  }
  const state = value as Partial<TailState> | null;
  const since = state?.since;
  if (typeof state?.channel !== "string" || typeof since !== "object" || since === null || !Object.values(since).every(isPosition)) {
    throw new CommandError(`the state file ${file} is not a dashwatch tail state ({"channel", "since"}); move it away to start over`);
  }
  return { channel: state.channel, since: { ...since } };
}

export function writeState(file: string, state: TailState): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
}
