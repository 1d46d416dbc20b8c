// Where tokens come from. `getToken` runs on every (re)connect; an HTTP replay reuses the connection's
// token unless its `exp` is close, and asks for a fresh one once after a 401.
import { tokenExpiryMs } from "./token.js";

export type GetToken = () => string | Promise<string>;

/** The hub allows 30 s of clock skew; refreshing this early keeps a replay from racing the expiry. */
const REFRESH_MARGIN_MS = 30_000;

export class TokenSource {
  readonly #fixed: string | undefined;
  readonly #getToken: GetToken | undefined;
  readonly #now: () => number;
  #current: string | undefined;
  /** One getToken() at a time: a replay that needs a token while a connect is fetching one shares it. */
  #inflight: Promise<string> | undefined;

  constructor(fixed: string | undefined, getToken: GetToken | undefined, now: () => number) {
    this.#fixed = fixed;
    this.#getToken = getToken;
    this.#now = now;
    this.#current = fixed;
  }

  /** False for a fixed token: after a 4401 there is nothing new to try. */
  get refreshable(): boolean {
    return this.#getToken !== undefined;
  }

  forConnect(): Promise<string> {
    return this.#fresh();
  }

  async forRequest(): Promise<string> {
    const current = this.#current;
    if (current === undefined) return this.#fresh();
    const exp = tokenExpiryMs(current);
    if (exp !== undefined && exp - this.#now() < REFRESH_MARGIN_MS && this.refreshable) return this.#fresh();
    return current;
  }

  /** After the hub refused the current token over HTTP; undefined when there is no way to get another. */
  async afterRefusal(): Promise<string | undefined> {
    return this.refreshable ? this.#fresh() : undefined;
  }

  #fresh(): Promise<string> {
    const getToken = this.#getToken;
    if (getToken === undefined) return Promise.resolve(this.#fixed ?? "");
    this.#inflight ??= (async () => {
      try {
        // Called from a microtask: a synchronous throw must not reach `finally` before #inflight is set.
        const token = await Promise.resolve().then(getToken);
        if (typeof token !== "string" || token.length === 0) throw new TypeError("getToken() must resolve to a non-empty string");
        this.#current = token;
        return token;
      } finally {
        this.#inflight = undefined;
      }
    })();
    return this.#inflight;
  }
}
