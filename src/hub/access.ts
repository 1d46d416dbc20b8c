// Who may listen where (CONTRACT "Auth"): persona P may subscribe to persona:P and to any dashboard; admin to anything.
import type { Principal } from "../principal.js";
import type { Channel } from "../protocol/frames.js";

export function canSubscribe(principal: Principal, channel: Channel): boolean {
  if (principal.roles.includes("admin")) return true;
  switch (channel.kind) {
    case "dashboard":
      return true;
    case "persona":
      return channel.id === principal.sub;
    default: {
      const never: never = channel;
      return never;
    }
  }
}
