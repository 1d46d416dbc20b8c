// The shared parts (diffs) this node has seen lately, as the bytes frames splice, and the persona messages
// waiting for a part that has not arrived yet. On one Redis the part comes first (it is published first
// on the same connection); across shards of a cluster it may come after, so a message whose part is
// missing waits, in order behind earlier messages of its topic, for at most `waitMs`. Past that, what it
// still lacks is given up: the broker lost it, and the feed's hole detection reads it from the log.

export interface PartCacheOptions {
  /** Default 256. */
  maxParts?: number;
  /** Default 32 Mi characters of part text. */
  maxBytes?: number;
  /** Default 2000. */
  waitMs?: number;
  /** Default 1000: beyond, the oldest waiting message is run as it is. */
  maxWaiting?: number;
  now?: () => number;
}

export interface PartCache {
  put(key: string, text: string): void;
  /** Whether the part is here, without encoding it. */
  has(key: string): boolean;
  /** The part as UTF-8, encoded on first use: parts of alerts no local channel wants are never encoded. */
  get(key: string): Buffer | undefined;
  /** Runs `run` once every key is here (or it waited too long), after earlier messages of the topic. */
  whenPresent(topic: string, keys: readonly string[], run: () => void): void;
  readonly waiting: number;
  close(): void;
}

interface Waiter {
  keys: readonly string[];
  run: () => void;
  since: number;
}

export function createPartCache(options: PartCacheOptions = {}): PartCache {
  const maxParts = options.maxParts ?? 256;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const waitMs = options.waitMs ?? 2000;
  const maxWaiting = options.maxWaiting ?? 1000;
  const now = options.now ?? Date.now;
  const parts = new Map<string, { text: string; bytes?: Buffer }>();
  const queues = new Map<string, Waiter[]>();
  let bytes = 0;
  let waiting = 0;
  let timer: NodeJS.Timeout | undefined;

  const present = (w: Waiter) => w.keys.every((k) => parts.has(k));

  /** Runs the heads of every queue that are ready (or expired, or pushed out by the bound). */
  function drain(force: boolean) {
    const expired = now() - waitMs;
    for (const [topic, queue] of queues) {
      while (queue.length > 0 && (present(queue[0]!) || queue[0]!.since <= expired || (force && waiting > maxWaiting))) {
        waiting--;
        queue.shift()!.run();
      }
      if (queue.length === 0) queues.delete(topic);
    }
    if (waiting === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    put(key, text) {
      if (parts.has(key)) return;
      parts.set(key, { text });
      bytes += text.length;
      for (const [old, part] of parts) {
        if (parts.size <= maxParts && bytes <= maxBytes) break;
        parts.delete(old);
        bytes -= part.text.length;
      }
      if (waiting > 0) drain(false);
    },
    has: (key) => parts.has(key),
    get(key) {
      const part = parts.get(key);
      if (!part) return undefined;
      part.bytes ??= Buffer.from(part.text);
      return part.bytes;
    },
    whenPresent(topic, keys, run) {
      const queue = queues.get(topic);
      if (!queue && keys.every((k) => parts.has(k))) return run();
      const waiter = { keys, run, since: now() };
      if (queue) queue.push(waiter);
      else queues.set(topic, [waiter]);
      waiting++;
      timer ??= setInterval(() => drain(false), Math.max(10, waitMs / 4)).unref();
      if (waiting > maxWaiting) drain(true);
    },
    get waiting() {
      return waiting;
    },
    close() {
      clearInterval(timer);
      timer = undefined;
      queues.clear();
      waiting = 0;
      parts.clear();
      bytes = 0;
    },
  };
}
