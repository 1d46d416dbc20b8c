// A port for a hub that must come back on the same address after a crash. Picked below the kernel's
// ephemeral range (32768+ here): while the hub is down, an outgoing connection of some other test could
// otherwise be given that very port as its local end, and the restarted hub could not listen on it.
import net from "node:net";

const LOW = 20_000;
const HIGH = 32_000;

export async function freePort(attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${LOW}..${HIGH} after ${attempts} tries`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
