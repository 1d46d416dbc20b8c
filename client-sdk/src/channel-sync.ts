// Everything the SDK knows about one channel's position: a lane per dashboard, the `since` sent on every
// (re)subscribe, and where a fresh subscription starts.
import { DashwatchError } from "./errors.js";
import type { Delivery } from "./delivery.js";
import { Lane } from "./lane.js";
import type { EventFrame, GapFrame } from "./parse.js";
import type { Positions } from "./positions.js";
import type { Channel } from "./protocol.js";
import type { ReplayClient } from "./replay.js";

export interface ChannelSyncOptions {
  channel: string;
  parsed: Channel;
  delivery: Delivery;
  replay: ReplayClient;
  maxHeld: number;
  replayAttempts: number;
  retryDelayMs(attempt: number): number;
  /** Drop the connection and resubscribe from `since`: the hub's own replay is the fallback. */
  resync(reason: string): void;
  now: () => number;
}

/**
 * A persona channel reads a dashboard's alerts from this long before the subscription began when it first
 * meets that dashboard: the hub's own first-sight window, which also absorbs clock skew between the two.
 */
const FIRST_SIGHT_MARGIN_MS = 5000;

export class ChannelSync {
  readonly #options: ChannelSyncOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #abort = new AbortController();
  readonly #firstSightFrom: string | undefined;

  constructor(options: ChannelSyncOptions) {
    this.#options = options;
    this.#firstSightFrom = options.parsed.kind === "persona" ? new Date(options.now() - FIRST_SIGHT_MARGIN_MS).toISOString() : undefined;
  }

  /**
   * Where to start: stored positions, overridden per dashboard by an explicit `since`. A dashboard channel
   * with neither asks the hub for its head first, so that a reconnect before the first event still
   * resumes (and the first event can already reveal a hole); if that fails it starts live-only.
   */
  async prepare(positions: Positions, since: Record<string, number> | undefined): Promise<void> {
    let stored: Record<string, number> = {};
    try {
      stored = await positions.load();
    } catch (error) {
      this.#options.delivery.report(new DashwatchError("storage-failed", "could not read stored positions", { cause: error }));
    }
    for (const [id, seq] of Object.entries({ ...stored, ...since })) this.#lane(id).last = seq;
    const { parsed } = this.#options;
    if (parsed.kind !== "dashboard" || this.#lanes.get(parsed.id)?.last !== undefined) return;
    try {
      const head = await this.#options.replay.head(parsed.id, this.#abort.signal);
      const lane = this.#lane(parsed.id);
      if (head !== undefined) lane.last ??= head;
    } catch {
      // Live-only is what the hub gives without `since`; a 404 here is reported by the subscribe itself.
    }
  }

  since(): Record<string, number> | undefined {
    const since: Record<string, number> = {};
    for (const [id, lane] of this.#lanes) if (lane.last !== undefined) since[id] = lane.last;
    return Object.keys(since).length > 0 ? since : undefined;
  }

  event(frame: EventFrame): void {
    const { dashboard_id, seq, kind, at, actor, data, prev_seq } = frame;
    this.#lane(dashboard_id).push({ kind: "event", event: { dashboard_id, seq, kind, at, actor, data }, prevSeq: prev_seq });
  }

  gap(frame: GapFrame): void {
    this.#lane(frame.dashboard_id).push({ kind: "gap", frame });
  }

  close(): void {
    this.#abort.abort();
    for (const lane of this.#lanes.values()) lane.close();
  }

  #lane(dashboardId: string): Lane {
    let lane = this.#lanes.get(dashboardId);
    if (lane) return lane;
    const { channel, parsed, delivery, replay, maxHeld, replayAttempts, retryDelayMs, resync } = this.#options;
    const persona = parsed.kind === "persona" ? parsed.id : undefined;
    lane = new Lane({
      channel,
      dashboardId,
      persona,
      firstSightFrom: this.#firstSightFrom,
      maxHeld,
      replayAttempts,
      retryDelayMs,
      replay: (afterSeq, untilSeq, signal, from) => replay.pages({ dashboardId, afterSeq, untilSeq, persona, signal, from }),
      deliver: (item) => delivery.enqueue(item),
      overflow: () =>
        delivery.report(
          new DashwatchError("overflow", `${channel}: the consumer is more than ${maxHeld} events behind on ${dashboardId}; the rest is re-read from the log`),
        ),
      replayFailed: (error) => {
        delivery.report(new DashwatchError("replay-failed", `${channel}: could not read ${dashboardId}'s log; resubscribing`, { cause: error }));
        resync(`replay of ${dashboardId} failed`);
      },
    });
    this.#lanes.set(dashboardId, lane);
    return lane;
  }
}
