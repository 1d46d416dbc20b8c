// Baseline (b): Socket.IO 4 with rooms, websocket transport only. Clients join room "bench" on connect;
// POST /publish emits the body to the room. Prints {"port": N} when listening.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

const server = createServer((req, res) => {
  if (req.url !== "/publish") return;
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    io.to("bench").emit("event", Buffer.concat(chunks).toString());
    res.writeHead(201).end();
  });
});
const io = new Server(server, { transports: ["websocket"], serveClient: false });
io.on("connection", (socket) => void socket.join("bench"));
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
// A profiled server (BENCH_CPU_PROF) is stopped with SIGTERM and writes its profile as it exits.
process.on("SIGTERM", () => process.exit(0));
