// A hub process that can crash and come back on the same address, the way a supervisor restarts a node
// behind a fixed port: clients keep their one URL.
//
// It runs `node --import tsx src/main.ts`, one process, rather than test/helpers/hub-process.ts's
// `tsx src/main.ts`: the tsx CLI runs the hub in a child of its own, so a SIGKILL to the CLI leaves the hub
// running as an orphan, still listening, still holding its sessions. A crash test must kill the hub itself.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_SECRET } from "../../helpers/test-app.js";
import { freePort } from "./free-port.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface HubNodeOptions {
  databaseUrl: string;
  redisUrl?: string;
  /** More environment (limits, log level); JWT_SECRET is TEST_SECRET unless given here. */
  env?: Record<string, string>;
}

export class HubNode {
  readonly url: string;
  readonly #env: Record<string, string>;
  #child: ChildProcess | undefined;
  #output = "";

  private constructor(url: string, env: Record<string, string>) {
    this.url = url;
    this.#env = env;
  }

  static async start(o: HubNodeOptions): Promise<HubNode> {
    const port = await freePort();
    const env: Record<string, string> = {
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: o.databaseUrl,
      JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: "info",
      RATE_LIMIT_PER_MIN: "0",
      ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
      ...o.env,
    };
    const node = new HubNode(`http://127.0.0.1:${port}`, env);
    await node.restart();
    return node;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** SIGKILL: no drain, no goodbye frames, whatever was in flight is cut. Resolves once it has exited. */
  async crash(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** Starts the node (again) on its port, with `env` changes if given; resolves once it listens. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    if (this.#child) throw new Error("restart(): the node is still running");
    Object.assign(this.#env, env);
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...this.#env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`hub on ${this.url} ${why}:\n${this.#output.slice(-4000)}`));
      };
      // A node that never listened is killed here: the caller gets no handle to stop it with.
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        fail(`did not listen within ${START_TIMEOUT_MS} ms`);
      }, START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        this.#output += chunk.toString();
        if (this.#output.includes('"msg":"dashwatch hub listening"')) {
          clearTimeout(timer);
          child.stdout!.off("data", onData);
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (chunk: Buffer) => (this.#output += chunk.toString()));
      child.once("exit", (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        fail(`exited (${code ?? signal}) before listening`);
      });
    });
    // Keep draining the pipes: a full pipe would block the hub's logger.
    child.stdout!.resume();
  }

  async stop(): Promise<void> {
    await this.crash();
  }

  output(): string {
    return this.#output;
  }
}
