// A loopback TCP proxy standing in for a load balancer: the SDK takes one URL, and failover means the
// address behind it changes. Each client connection is piped to the current target; when the upstream
// dies, the client side is cut too (what a balancer does), and new connections go wherever `retarget` says.
import net from "node:net";

export interface TcpProxy {
  /** http://127.0.0.1:<port>, for the SDK's `url`. */
  readonly url: string;
  /** Where new connections go from now on; open ones stay where they are. */
  retarget(url: string): void;
  /** Connections accepted so far, and to which target each went. */
  readonly routed: string[];
  /** Cuts every open connection and refuses new ones until heal(): the client's network is gone. */
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  let current = new URL(target);
  const routed: string[] = [];
  const open = new Set<net.Socket>();
  let partitioned = false;
  const server = net.createServer((client) => {
    if (partitioned) {
      client.destroy();
      return;
    }
    const to = current;
    routed.push(to.origin);
    const upstream = net.connect(Number(to.port), to.hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once("close", () => open.delete(socket));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side gone, both go: a reset upstream must not leave the client waiting on a dead path.
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once("error", cut).once("close", cut);
    upstream.once("error", cut).once("close", cut);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    retarget(url) {
      current = new URL(url);
    },
    routed,
    partition() {
      partitioned = true;
      for (const socket of open) socket.destroy();
    },
    heal() {
      partitioned = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
