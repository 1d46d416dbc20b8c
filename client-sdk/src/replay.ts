// Reads the hub's event log over HTTP: `GET /api/dashboard/:id/events`, page by page. Used to fill holes,
// recoverable gaps and overflow, and to learn a dashboard's head before a first subscribe.
import type { HubEvent } from "./protocol.js";
import { parseReplayPage } from "./parse.js";
import type { TokenSource } from "./tokens.js";

export type FetchLike = (input: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

export interface ReplayRange {
  dashboardId: string;
  /** Exclusive lower bound. */
  afterSeq: number;
  /** Inclusive upper bound; paging stops once reached. Undefined: up to the head. */
  untilSeq: number | undefined;
  /** Only `alert.matched` events of this persona's subscriptions (persona channels). */
  persona: string | undefined;
  /** Only events whose `at` is at or after this ISO time. */
  from?: string;
  signal: AbortSignal;
}

export class ReplayError extends Error {
  override readonly name = "ReplayError";
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

export class ReplayClient {
  readonly #base: string;
  readonly #fetch: FetchLike;
  readonly #tokens: TokenSource;
  readonly #pageSize: number;

  constructor(base: string, fetch: FetchLike, tokens: TokenSource, pageSize: number) {
    this.#base = base;
    this.#fetch = fetch;
    this.#tokens = tokens;
    this.#pageSize = pageSize;
  }

  /** Yields the range in seq order, one page at a time, so that the caller can pace the reading. */
  async *pages(range: ReplayRange): AsyncGenerator<HubEvent[], void, undefined> {
    let after = range.afterSeq;
    for (;;) {
      const query = new URLSearchParams({ after_seq: String(after), limit: String(this.#pageSize) });
      if (range.persona !== undefined) query.set("persona", range.persona);
      if (range.from !== undefined) query.set("from", range.from);
      const page = parseReplayPage(await this.#get(`/api/dashboard/${encodeURIComponent(range.dashboardId)}/events?${query}`, range.signal));
      if (!page) throw new ReplayError("the events endpoint answered with an unexpected shape");
      yield page.events;
      const reached = page.next_after_seq;
      const done =
        page.events.length < this.#pageSize ||
        reached >= page.head_seq ||
        (range.untilSeq !== undefined && reached >= range.untilSeq) ||
        // A hub that does not move forward would otherwise keep us here forever.
        reached <= after;
      if (done) return;
      after = reached;
    }
  }

  /** The dashboard's `head_seq`, or undefined when the hub does not say. */
  async head(dashboardId: string, signal: AbortSignal): Promise<number | undefined> {
    const body = await this.#get(`/api/dashboard/${encodeURIComponent(dashboardId)}`, signal);
    const head = typeof body === "object" && body !== null ? (body as { head_seq?: unknown }).head_seq : undefined;
    return typeof head === "number" && Number.isSafeInteger(head) && head >= 0 ? head : undefined;
  }

  async #get(path: string, signal: AbortSignal): Promise<unknown> {
    let response = await this.#request(path, await this.#tokens.forRequest(), signal);
    if (response.status === 401) {
      const fresh = await this.#tokens.afterRefusal();
      if (fresh !== undefined) {
        discard(response);
        response = await this.#request(path, fresh, signal);
      }
    }
    if (!response.ok) {
      discard(response);
      throw new ReplayError(`GET ${path} answered ${response.status}`, response.status);
    }
    return response.json();
  }

  #request(path: string, token: string, signal: AbortSignal): Promise<Response> {
    return this.#fetch(`${this.#base}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      signal,
    });
  }
}

/** An unread body keeps its connection busy in some fetch implementations. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}
