// Baseline (a): the plainest broadcast a `ws` user would write. POST /publish broadcasts the body, framed
// once, to every open socket. In the persona cases (BENCH_CASE, large messages to 5 000 clients) it
// answers once every socket has taken the message, or back-to-back publishes would queue gigabytes in
// its send buffers; Dashwatch bounds the same by its per-connection budget. Prints {"port": N} when listening.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";

const paced = (process.env.BENCH_CASE ?? "broadcast") !== "broadcast";
const wss = new WebSocketServer({ noServer: true });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const sent: Promise<void>[] = [];
    for (const client of wss.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      if (paced) sent.push(new Promise((resolve) => client.send(body, { binary: false }, () => resolve())));
      else client.send(body, { binary: false });
    }
    void Promise.all(sent).then(() => res.writeHead(201).end());
  });
});
// Longer than the load generator's keep-alive: on a loaded machine a late timer otherwise closes a
// connection the client is just reusing ("other side closed").
server.keepAliveTimeout = 60_000;
server.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req)));
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
// A profiled server (BENCH_CPU_PROF) is stopped with SIGTERM and writes its profile as it exits.
process.on("SIGTERM", () => process.exit(0));
