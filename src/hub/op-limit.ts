// Inbound ops per connection, counted in one-second windows (CONTRACT "Limits and hardening, version 2").
// A window that goes over the limit earns one `error limit` and its further ops are dropped unhandled;
// when the window right after goes over too, the client is not slowing down and the connection closes.
// Pure: the caller passes the time.

export type OpVerdict = "handle" | "warn" | "drop" | "close";

export const OP_WINDOW_MS = 1000;

export class OpLimit {
  private windowStart = -Infinity;
  private count = 0;
  private previousOver = false;

  constructor(private readonly maxPerWindow: number) {}

  check(now: number): OpVerdict {
    const elapsed = now - this.windowStart;
    if (elapsed >= OP_WINDOW_MS) {
      // Only the window just before counts: a client that paused a whole window has slowed down.
      this.previousOver = elapsed < 2 * OP_WINDOW_MS && this.count > this.maxPerWindow;
      this.windowStart = now;
      this.count = 0;
    }
    this.count++;
    if (this.count <= this.maxPerWindow) return "handle";
    if (this.count === this.maxPerWindow + 1) return this.previousOver ? "close" : "warn";
    return "drop";
  }
}
