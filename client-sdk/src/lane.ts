// One dashboard's stream within one subscription: drops what was already delivered, keeps seq order, and
// fills holes from the log before letting a later event through. Inputs queue up (bounded) while a fill
// runs and are merged afterwards, duplicates skipped: centrifuge's "buffer live while reading history".
import type { GapReason, HubEvent } from "./protocol.js";
import type { GapFrame } from "./parse.js";
import type { DeliveryItem } from "./delivery.js";

export type LaneInput =
  | { kind: "event"; event: HubEvent; prevSeq: number | undefined }
  | { kind: "gap"; frame: GapFrame };

export interface LaneDeps {
  channel: string;
  dashboardId: string;
  /** Set on persona channels: holes are found with `prev_seq` (their seqs are not contiguous). */
  persona: string | undefined;
  /**
   * Persona channels: when the first alert met on this dashboard names a predecessor (`prev_seq` > 0),
   * the alerts committed since this ISO time (the subscription's start) are read from the log first.
   */
  firstSightFrom: string | undefined;
  /** Inputs held while the app or a replay is behind; past it, events are let go and re-read from the log. */
  maxHeld: number;
  replayAttempts: number;
  retryDelayMs(attempt: number): number;
  replay(afterSeq: number, untilSeq: number | undefined, signal: AbortSignal, from?: string): AsyncIterable<HubEvent[]>;
  /** Resolves once the item is queued for the app; waits while the app is behind. */
  deliver(item: DeliveryItem): Promise<void>;
  /** The first event let go in an overflow episode. */
  overflow(): void;
  /** The log could not be read after every attempt; held inputs were let go, so the caller must resync. */
  replayFailed(error: unknown): void;
}

/** hole: the SDK saw one; recoverable / lost: the hub sent a `gap` frame saying so. */
type FillMode = "hole" | "recoverable" | "lost";

export class Lane {
  /** Every seq at or below this is delivered (or known lost): it is the `since` of a resubscribe. */
  last: number | undefined;
  readonly #deps: LaneDeps;
  readonly #abort = new AbortController();
  #inbox: LaneInput[] = [];
  #running = false;
  /** Events were let go at the inbox bound; once the inbox drains, read the log up to the head. */
  #behind = false;

  constructor(deps: LaneDeps) {
    this.#deps = deps;
  }

  push(input: LaneInput): void {
    if (this.#abort.signal.aborted) return;
    if (input.kind === "event") {
      if (this.#delivered(input.event.seq)) return;
      // Gap frames are never let go: on persona channels they are the only record of a lost range.
      if (this.#inbox.length >= this.#deps.maxHeld) {
        if (!this.#behind) this.#deps.overflow();
        this.#behind = true;
        return;
      }
    }
    this.#inbox.push(input);
    if (!this.#running) void this.#run();
  }

  close(): void {
    this.#abort.abort();
    this.#inbox = [];
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (!this.#abort.signal.aborted) {
        const input = this.#inbox.shift();
        if (input) await this.#process(input);
        else if (this.#behind && this.last !== undefined) {
          this.#behind = false;
          await this.#fill(undefined, "recoverable", "retention");
        } else break;
      }
    } catch (error) {
      if (!this.#abort.signal.aborted) {
        this.#inbox = [];
        this.#behind = false;
        this.#deps.replayFailed(error);
      }
    } finally {
      this.#running = false;
    }
  }

  async #process(input: LaneInput): Promise<void> {
    if (input.kind === "gap") return this.#onGap(input.frame);
    const { event, prevSeq } = input;
    if (this.#delivered(event.seq)) return;
    const from = this.#deps.firstSightFrom;
    if (this.last === undefined && from !== undefined && prevSeq !== undefined && prevSeq > 0 && prevSeq < event.seq) {
      await this.#firstSight(prevSeq, from);
    } else {
      const missingUpTo = this.#missingUpTo(event.seq, prevSeq);
      if (missingUpTo !== undefined) await this.#fill(missingUpTo, "hole", "retention");
    }
    if (this.#delivered(event.seq)) return;
    await this.#queue(event);
  }

  #missingUpTo(seq: number, prevSeq: number | undefined): number | undefined {
    const last = this.last;
    if (last === undefined) return undefined;
    if (this.#deps.persona === undefined) return seq > last + 1 ? seq - 1 : undefined;
    // prev_seq at or below `last` is silence, not loss: the previous alert is one we have (or skipped by since).
    return prevSeq !== undefined && prevSeq > last && prevSeq < seq ? prevSeq : undefined;
  }

  async #onGap(frame: GapFrame): Promise<void> {
    this.last ??= frame.from_seq - 1;
    if (this.last >= frame.to_seq) return;
    await this.#fill(frame.to_seq, frame.recoverable ? "recoverable" : "lost", frame.reason, frame.from_seq);
  }

  /** Reads the log after `last` up to `until` (or the head), then accounts for whatever it did not find. */
  async #fill(until: number | undefined, mode: FillMode, reason: GapReason, lostFrom?: number): Promise<void> {
    const startedAfter = this.last ?? 0;
    await this.#readLog(until, reason);
    if (until === undefined) return;
    const reached = this.last ?? startedAfter;
    if (this.#deps.persona === undefined || mode === "hole") {
      if (reached < until) await this.#gap(reached + 1, until, reason);
    } else if (mode === "lost") {
      // A persona channel cannot tell which seqs in the range were its own: name the hub's range.
      const from = Math.max(lostFrom ?? startedAfter + 1, startedAfter + 1);
      if (from <= until) await this.#gap(from, until, reason);
    }
    // Recoverable on a persona channel: the log had all of P's alerts up to `until`; the rest is silence.
    if ((this.last ?? 0) < until) this.last = until;
  }

  /**
   * The first alert of a dashboard on a persona channel, with no position to compare its `prev_seq` to.
   * A reconnect without a position leaves the hub to start from "now", so the alerts committed while the
   * client was away would be lost: read the ones since the subscription began. Older ones are not this
   * subscription's business, so not finding `until` is silence, not a gap.
   */
  async #firstSight(until: number, from: string): Promise<void> {
    await this.#readLog(until, "retention", from);
    if ((this.last ?? 0) < until) this.last = until;
  }

  async #readLog(until: number | undefined, reason: GapReason, from?: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        for await (const page of this.#deps.replay(this.last ?? 0, until, this.#abort.signal, from)) {
          for (const event of page) {
            if (until !== undefined && event.seq > until) break;
            await this.#fromLog(event, reason);
          }
        }
        return;
      } catch (error) {
        if (this.#abort.signal.aborted || attempt >= this.#deps.replayAttempts) throw error;
        await delay(this.#deps.retryDelayMs(attempt), this.#abort.signal);
      }
    }
  }

  async #fromLog(event: HubEvent, reason: GapReason): Promise<void> {
    if (this.#delivered(event.seq)) return;
    const last = this.last;
    // Dashboard seqs are contiguous, so a jump inside the log itself is a range nobody can fill any more.
    if (this.#deps.persona === undefined && last !== undefined && event.seq > last + 1) await this.#gap(last + 1, event.seq - 1, reason);
    await this.#queue(event);
  }

  async #gap(from: number, to: number, reason: GapReason): Promise<void> {
    const { channel, dashboardId } = this.#deps;
    await this.#deps.deliver({ kind: "gap", gap: { channel, dashboard_id: dashboardId, from_seq: from, to_seq: to, reason } });
    this.#advance(to);
  }

  async #queue(event: HubEvent): Promise<void> {
    await this.#deps.deliver({ kind: "event", event });
    this.#advance(event.seq);
  }

  #advance(seq: number): void {
    if (!this.#abort.signal.aborted && (this.last ?? -1) < seq) this.last = seq;
  }

  #delivered(seq: number): boolean {
    return this.last !== undefined && seq <= this.last;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
