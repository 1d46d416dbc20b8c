// A hub node as a real child process (tsx src/main.ts), for multi-node, failover and restart tests.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// node --import tsx, not the tsx wrapper: SIGKILL must reach the hub itself.
const SOURCE_ARGS = ["--import", "tsx", "src/main.ts"];

export interface HubProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL by default: a crash, not a goodbye. Resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** From source by default; `["dist/main.js"]` runs the compiled hub, as `npm start` does. */
export async function spawnHub(env: Record<string, string>, timeoutMs = 20_000, args = SOURCE_ARGS): Promise<HubProcess> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
