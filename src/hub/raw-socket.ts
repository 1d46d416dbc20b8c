// The one owner of an invariant the whole outbound path stands on: the hub writes prepared frames
// (wire.ts) straight to the upgraded TCP socket (writer.ts), next to what ws itself writes (pings, the
// close). That is safe only while ws writes synchronously and unframed by anything else: with
// permessage-deflate, ws compresses asynchronously and sets RSV1, so a raw frame could land between its
// bytes or be read as compressed. So the server is built here, and it refuses to exist with compression.
import { WebSocketServer, type ServerOptions, type WebSocket } from "ws";

export class CompressionRefused extends Error {
  constructor(where: string) {
    super(`${where}: permessage-deflate must stay off, the hub writes prepared frames straight to the socket (src/hub/raw-socket.ts)`);
    this.name = "CompressionRefused";
  }
}

/** The options a caller may choose; `noServer` and `clientTracking` are the hub's (it tracks its sessions). */
export type RawSocketServerOptions = Omit<ServerOptions, "noServer" | "clientTracking" | "server" | "port">;

export function createRawSocketServer(options: RawSocketServerOptions = {}): WebSocketServer {
  if (options.perMessageDeflate) throw new CompressionRefused("createRawSocketServer");
  const wss = new WebSocketServer({ ...options, noServer: true, perMessageDeflate: false, clientTracking: false });
  // ws's own default, checked rather than trusted: an upgrade of ws that turned it on would fail here.
  if (wss.options.perMessageDeflate) throw new CompressionRefused("the WebSocket server");
  return wss;
}

/** False for a connection that negotiated an extension anyway: it must not be written to raw. */
export const writableRaw = (ws: Pick<WebSocket, "extensions">): boolean => ws.extensions === "";
