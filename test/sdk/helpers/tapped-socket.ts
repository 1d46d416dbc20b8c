// The SDK's WebSocket, `ws` underneath, handed to createClient({WebSocket}) so that a test can reach the
// socket the SDK is using: pause its reading (a consumer whose network path has stalled) and see the close
// codes the hub sent, which the SDK handles but does not expose.
import { WebSocket } from "ws";
import type { SocketConstructor } from "../../../client-sdk/src/index.js";

export interface SocketTap {
  /** For createClient({WebSocket}). */
  readonly Socket: SocketConstructor;
  /** Every socket the SDK opened, oldest first. */
  readonly sockets: WebSocket[];
  /** The close code of every socket that has closed, in order. */
  readonly closeCodes: number[];
}

export function tapSockets(): SocketTap {
  const sockets: WebSocket[] = [];
  const closeCodes: number[] = [];
  class TappedSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
      // Alongside the SDK's own onclose, which it clears once it is done with a socket.
      this.addEventListener("close", (event) => closeCodes.push(event.code));
    }
  }
  // ws's handler types are narrower than the SDK's structural SocketLike; the runtime shape is the same.
  return { Socket: TappedSocket as unknown as SocketConstructor, sockets, closeCodes };
}
