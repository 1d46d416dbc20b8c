// The delivered positions of one subscription, saved to storage. Writes are coalesced: while one is in
// flight the latest map waits, so a fast stream costs at most two writes at a time, never a queue.
import { parsePositions, positionsKey, type PositionStorage } from "./storage.js";

export class Positions {
  readonly #storage: PositionStorage;
  readonly #key: string;
  readonly #onError: (error: unknown) => void;
  readonly #delivered: Record<string, number> = {};
  #writing = false;
  #dirty = false;

  constructor(storage: PositionStorage, channel: string, onError: (error: unknown) => void) {
    this.#storage = storage;
    this.#key = positionsKey(channel);
    this.#onError = onError;
  }

  async load(): Promise<Record<string, number>> {
    const stored = parsePositions(await this.#storage.get(this.#key));
    for (const [id, seq] of Object.entries(stored)) this.#delivered[id] = Math.max(seq, this.#delivered[id] ?? 0);
    return stored;
  }

  record(dashboardId: string, seq: number): void {
    if ((this.#delivered[dashboardId] ?? -1) >= seq) return;
    this.#delivered[dashboardId] = seq;
    this.#dirty = true;
    if (!this.#writing) void this.#flush();
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    while (this.#dirty) {
      this.#dirty = false;
      try {
        await this.#storage.set(this.#key, JSON.stringify(this.#delivered));
      } catch (error) {
        this.#onError(error);
      }
    }
    this.#writing = false;
  }
}
