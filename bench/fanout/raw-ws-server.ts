// Baseline (a): the plainest broadcast a `ws` user would write. POST /publish broadcasts the body, framed
// once, to every open socket. Prints {"port": N} when listening.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";

const wss = new WebSocketServer({ noServer: true });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString();
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(body);
    res.writeHead(201).end();
  });
});
server.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req)));
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
