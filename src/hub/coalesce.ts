// Write coalescing: a socket written during one turn of the event loop is corked, and every corked
// socket is uncorked once, after that turn's I/O callbacks (setImmediate). Frames for one connection
// that arrive from several publishes in the same turn then leave in one writev instead of one syscall
// each; the syscall, not the JavaScript, is most of what a delivery costs. A frame waits at most until
// the end of the turn it was written in.

export interface Corkable {
  cork(): void;
  uncork(): void;
}

export interface Coalescer {
  /** Call before writing to the stream. */
  hold(stream: Corkable): void;
  /** Counts flushes: bytes written while it is unchanged are still corked, not refused by the kernel. */
  readonly turn: number;
}

export function createCoalescer(): Coalescer {
  let held = new Set<Corkable>();
  let scheduled = false;
  let turn = 0;

  function flush() {
    scheduled = false;
    turn++;
    const streams = held;
    held = new Set();
    for (const stream of streams) stream.uncork();
  }

  return {
    hold(stream) {
      if (held.has(stream)) return;
      stream.cork();
      held.add(stream);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    get turn() {
      return turn;
    },
  };
}
