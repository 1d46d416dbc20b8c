// A Redis Cluster of the test's own: N masters (no replicas) on loopback ports the OS hands out, in a temp
// dir, each started and stopped by its PID. A master can be SIGKILLed and started again on the same port
// with the same nodes.conf, which is how it rejoins with its slots.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { untilAccepting } from "../broker/helpers/redis-server.js";

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  /** host:port, as CLUSTER SHARDS and /health name it. */
  address: string;
  url: string;
  running: boolean;
}

export interface RedisCluster {
  nodes: ClusterNode[];
  /** Comma-separated seeds, the form REDIS_CLUSTER_URLS takes. */
  urls: string;
  /** Runs redis-cli against one node; resolves with its stdout. */
  cli(node: ClusterNode, ...args: string[]): Promise<string>;
  /** SIGKILL: a crash, not a shutdown. Resolves once the process has exited. */
  kill(node: ClusterNode): Promise<void>;
  /** Starts killed nodes again (same ports, same nodes.conf) and waits until every node says cluster_state:ok. */
  restart(...nodes: ClusterNode[]): Promise<void>;
  /** The master that owns `key`'s slot (keys and sharded channels hash alike). */
  ownerOf(key: string): Promise<ClusterNode>;
  /** The lowest slot a master owns: the one `moveLowestSlot` moves. */
  lowestSlotOf(node: ClusterNode): Promise<number>;
  /** Moves `from`'s lowest slot to `to` with `redis-cli --cluster reshard`, live. */
  moveLowestSlot(from: ClusterNode, to: ClusterNode): Promise<void>;
  /** Starts one more node as a replica of `master` and waits until it has synced. */
  addReplica(master: ClusterNode): Promise<ClusterNode>;
  /** Sums a cmdstat's calls (e.g. "publish") over the running nodes. */
  commandCalls(command: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startRedisCluster(size = 3, timeoutMs = 20_000): Promise<RedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), "dw-cluster-"));
  const children = new Map<number, ChildProcess>();
  const ports = await sparePortsBelow(size);
  const nodes: ClusterNode[] = ports.map((port) => ({ port, address: `127.0.0.1:${port}`, url: `redis://127.0.0.1:${port}`, running: false }));

  const cli = async (node: ClusterNode, ...args: string[]) => (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(node.port), ...args], { timeout: timeoutMs })).stdout;

  async function start(node: ClusterNode) {
    const child = spawn(
      "redis-server",
      [
        "--port", String(node.port), "--bind", "127.0.0.1", "--dir", dir,
        "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${node.port}.conf`,
        "--cluster-node-timeout", "1000", "--cluster-require-full-coverage", "no",
        "--save", "", "--appendonly", "no",
      ],
      { stdio: "ignore" },
    );
    children.set(node.port, child);
    node.running = true;
    await untilAccepting(node.port, timeoutMs);
  }

  async function kill(node: ClusterNode) {
    const child = children.get(node.port);
    children.delete(node.port);
    node.running = false;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  async function untilClusterOk() {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(nodes.filter((n) => n.running).map((n) => cli(n, "cluster", "info").catch(() => "")));
      if (states.every((s) => s.includes("cluster_state:ok"))) return;
      if (Date.now() > deadline) throw new Error(`cluster not ok within ${timeoutMs} ms`);
      // Gossip converges on its own schedule: there is no event to wait on.
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Each running master's slot ranges, from CLUSTER NODES (`id addr@bus flags master - ... 0-5460 ...`). */
  async function ranges(): Promise<Map<ClusterNode, [number, number][]>> {
    const text = await cli(nodes.find((n) => n.running)!, "cluster", "nodes");
    const out = new Map<ClusterNode, [number, number][]>();
    for (const line of text.split("\n").filter(Boolean)) {
      const fields = line.split(" ");
      const node = nodes.find((n) => fields[1]!.startsWith(`${n.address}@`));
      if (!node || !fields[2]!.includes("master")) continue;
      const slots = fields.slice(8).filter((f) => /^\d+(-\d+)?$/.test(f));
      out.set(node, slots.map((f) => { const [a, b] = f.split("-").map(Number); return [a!, b ?? a!]; }));
    }
    return out;
  }

  async function slotOf(key: string) {
    return Number((await cli(nodes.find((n) => n.running)!, "cluster", "keyslot", key)).trim());
  }

  async function ownerOf(key: string) {
    const slot = await slotOf(key);
    for (const [node, list] of await ranges()) if (list.some(([a, b]) => slot >= a && slot <= b)) return node;
    throw new Error(`no owner found for slot ${slot}`);
  }

  try {
    await Promise.all(nodes.map(start));
    await run("redis-cli", ["--cluster", "create", ...nodes.map((n) => n.address), "--cluster-replicas", "0", "--cluster-yes"], { timeout: timeoutMs });
    await untilClusterOk();
  } catch (error) {
    await Promise.all(nodes.map(kill));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    nodes,
    urls: nodes.map((n) => n.url).join(","),
    cli,
    kill,
    async restart(...which) {
      await Promise.all(which.map(start));
      await untilClusterOk();
    },
    ownerOf,
    lowestSlotOf: async (node) => Math.min(...((await ranges()).get(node) ?? []).map(([a]) => a)),
    async moveLowestSlot(from, to) {
      const id = async (n: ClusterNode) => (await cli(n, "cluster", "myid")).trim();
      const [fromId, toId] = await Promise.all([id(from), id(to)]);
      // reshard takes the source's slots in ascending order: one slot is its lowest.
      await run(
        "redis-cli",
        ["--cluster", "reshard", from.address, "--cluster-from", fromId, "--cluster-to", toId, "--cluster-slots", "1", "--cluster-yes"],
        { timeout: timeoutMs },
      );
      await untilClusterOk();
    },
    async addReplica(master) {
      const [port] = await sparePortsBelow(1);
      const replica: ClusterNode = { port: port!, address: `127.0.0.1:${port}`, url: `redis://127.0.0.1:${port}`, running: false };
      await start(replica);
      const masterId = (await cli(master, "cluster", "myid")).trim();
      await run("redis-cli", ["--cluster", "add-node", replica.address, master.address, "--cluster-slave", "--cluster-master-id", masterId], { timeout: timeoutMs });
      nodes.push(replica);
      const deadline = Date.now() + timeoutMs;
      while (!(await cli(replica, "info", "replication")).includes("master_link_status:up")) {
        if (Date.now() > deadline) throw new Error("replica did not sync");
        await new Promise((r) => setTimeout(r, 100));
      }
      await untilClusterOk();
      return replica;
    },
    async commandCalls(command) {
      let total = 0;
      for (const n of nodes.filter((x) => x.running)) {
        const m = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await cli(n, "info", "commandstats"));
        total += m ? Number(m[1]) : 0;
      }
      return total;
    },
    async stop() {
      await Promise.all(nodes.map(kill));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Below the kernel's ephemeral range (32768+), so a killed node's port is not handed to some outgoing
 * connection before it restarts; a node also listens on port + 10000 (the cluster bus).
 */
async function sparePortsBelow(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let port = 7100 + Math.floor(Math.random() * 800); ports.length < n && port < 8000; port++) {
    if ((await canListen(port)) && (await canListen(port + 10000))) ports.push(port);
  }
  if (ports.length < n) throw new Error("no free ports for a cluster in 7100..7999");
  return ports;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}
