// Closing a connection whose client is still sending a body we refused.
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** How long a refused upload may go on being read (and discarded) after the answer is out. */
export const LINGER_MS = 5000;

/**
 * Makes the connection under a node-server request close gracefully once the answer is out.
 * A socket closed while unread bytes sit in its receive queue sends a reset, and a client that reads
 * only after it has sent its whole body (as blocking clients do) then loses the 413 with "EPIPE" or
 * "socket hang up". So the hub sends its FIN after the answer, goes on reading and discarding what
 * arrives, and closes when the client does, or after `lingerMs`. Node's HTTP server and node-server's
 * own drain both end a `connection: close` socket through destroySoon(), hence the override here.
 * Without a socket (app.request() in tests) there is nothing to do.
 */
export function closeAfterResponse(env: unknown, lingerMs = LINGER_MS): void {
  const socket = (env as { outgoing?: ServerResponse } | undefined)?.outgoing?.socket as Socket | null | undefined;
  if (!socket || socket.destroyed) return;
  let lingering = false;
  socket.destroySoon = () => {
    if (lingering || socket.destroyed) return;
    lingering = true;
    socket.end();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    socket.once("end", () => socket.destroy());
    socket.resume();
  };
}
