// Write coalescing, once per turn of the event loop (setImmediate, after that turn's I/O callbacks). A
// connection's first frame of a turn is held by its writer, not the stream, and written on its own once
// the turn ends: one frame per socket per turn (a snapshot's alert to each client) then costs one plain
// write, with no cork, buffered entry or uncork. A second frame in the turn corks the stream instead, and
// the stream is uncorked once after the turn, so the turn's frames for that connection leave in one
// writev; the syscall, not the JavaScript, is most of what a delivery costs. A frame waits at most until
// the end of the turn it was written in.

export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** A writer holding a frame for the end of the turn. */
export interface Deferred {
  endOfTurn(): void;
}

export interface Coalescer {
  /** Call before writing to the stream: corks it until the end of the turn. */
  hold(stream: Corkable): void;
  /** Calls endOfTurn() once the turn ends. */
  defer(writer: Deferred): void;
  /** Counts flushes: bytes written while it is unchanged are still corked, not refused by the kernel. */
  readonly turn: number;
}

export function createCoalescer(): Coalescer {
  let held = new Set<Corkable>();
  let deferred: Deferred[] = [];
  let scheduled = false;
  let turn = 0;

  function flush() {
    scheduled = false;
    const writers = deferred;
    deferred = [];
    for (const writer of writers) writer.endOfTurn();
    turn++;
    const streams = held;
    held = new Set();
    for (const stream of streams) stream.uncork();
  }

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    hold(stream) {
      if (held.has(stream)) return;
      stream.cork();
      held.add(stream);
      schedule();
    },
    defer(writer) {
      deferred.push(writer);
      schedule();
    },
    get turn() {
      return turn;
    },
  };
}
