// Options every networked command shares, and the checks of values parseArgs leaves as strings.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadCliEnv } from "../config.js";
import { UsageError } from "./cli-error.js";
import type { CliIo } from "./io.js";

export const HUB_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

export interface HubTarget {
  url: string;
  token: string;
}

/** parseArgs with its TypeError turned into a usage error. */
export function parseCommand<const O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function hubTarget(io: CliIo, values: { url?: string; token?: string }): HubTarget {
  const env = loadCliEnv(io.env);
  const url = (values.url ?? env.url).replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url: "${url}" is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UsageError(`--url: must be an http or https URL, not ${parsed.protocol}`);
  const token = values.token ?? env.token;
  if (!token) throw new UsageError("no token: pass --token or set DASHWATCH_TOKEN (embedded mode: `dashwatch token --sub you --roles admin`)");
  return { url, token };
}

export function positiveInt(name: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`${name}: must be a whole number from 1 to ${max}`);
  return Number(value);
}
