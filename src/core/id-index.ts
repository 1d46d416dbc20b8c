// Id → position lookup for one snapshot. A 100k-row diff spends most of its time finding rows by id, and
// V8's Map, rehashing as it grows and chasing entry chains, costs about three times this table.
import type { RowId } from "./types.js";

/** Probes a key may take before it goes to the overflow Map: bounds the cost of colliding ids. */
const MAX_PROBES = 32;

const scratch = new Float64Array(1);
const scratchWords = new Int32Array(scratch.buffer);

/** murmur3's finaliser: spreads sequential ids across the table. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Strings by FNV-1a over UTF-16 units; numbers by their bits (0 and -0 alike, as `===` has them). */
function hashId(id: RowId): number {
  if (typeof id === "string") {
    let h = 0x811c9dc5;
    for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
    return mix(h);
  }
  if ((id | 0) === id) return mix(id ^ 0x5bd1e995);
  scratch[0] = id;
  return mix(scratchWords[0]! ^ Math.imul(scratchWords[1]!, 0x5bd1e995));
}

/**
 * Open addressing with linear probing over typed arrays. A fixed hash is open to crafted collisions (V8's
 * Map is seeded per process, this core may not read randomness), so a key that would probe more than
 * MAX_PROBES slots is kept in an overflow Map instead: every operation stays O(MAX_PROBES) plus one Map call.
 * Nothing is ever removed, so an id that reaches an empty slot within MAX_PROBES is not in the overflow.
 * Keys compare with `===`: 1 and "1" stay apart, 0 and -0 are one id.
 */
export class IdIndex {
  /** Every id added, at its position. */
  readonly ids: RowId[] = [];
  /** Pairs of (position or -1, hash): one cache line serves both reads of a probe. */
  readonly #table: Int32Array;
  readonly #mask: number;
  readonly #overflow = new Map<RowId, number>();

  constructor(capacity: number) {
    const size = 2 ** Math.max(4, Math.ceil(Math.log2(Math.max(1, capacity) * 2)));
    this.#table = new Int32Array(size * 2).fill(-1);
    this.#mask = size - 1;
  }

  /** Adds `id` at the next position; false (and no change) when it is already present. */
  add(id: RowId): boolean {
    const h = hashId(id);
    let s = h & this.#mask;
    for (let probe = 0; probe < MAX_PROBES; probe++, s = (s + 1) & this.#mask) {
      const at = this.#table[2 * s]!;
      if (at === -1) {
        this.#table[2 * s] = this.ids.length;
        this.#table[2 * s + 1] = h;
        this.ids.push(id);
        return true;
      }
      if (this.#table[2 * s + 1] === h && this.ids[at] === id) return false;
    }
    if (this.#overflow.has(id)) return false;
    this.#overflow.set(id, this.ids.length);
    this.ids.push(id);
    return true;
  }

  /** The 0-based position `id` was added at, or -1. */
  get(id: RowId): number {
    const h = hashId(id);
    let s = h & this.#mask;
    for (let probe = 0; probe < MAX_PROBES; probe++, s = (s + 1) & this.#mask) {
      const at = this.#table[2 * s]!;
      if (at === -1) return -1;
      if (this.#table[2 * s + 1] === h && this.ids[at] === id) return at;
    }
    return this.#overflow.get(id) ?? -1;
  }
}
