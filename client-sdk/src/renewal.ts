// Keeps an open connection's token fresh. The hub closes a session with 4401 at its token's exp (plus its
// 30 s tolerance) unless the client sends `auth` again on the open connection, so a while before exp the
// SDK asks getToken for a later token and sends it: no reconnect, no resubscribe, no replay. A token
// without `exp`, or a fixed token (nothing to renew it with), is left alone.
import type { ClientFrame } from "./protocol.js";
import { tokenExpiryMs } from "./token.js";

/** Renew this long before exp; with the hub's tolerance there is a minute to get a later token. */
const BEFORE_EXP_MS = 30_000;
const HUB_TOLERANCE_MS = 30_000;
/** getToken failed or gave no later token: ask again this much later, while the hub still accepts the old. */
const RETRY_MS = 5_000;
/** setTimeout's longest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export interface RenewalTarget {
  send(frame: ClientFrame): boolean;
}

export class TokenRenewal {
  readonly #target: RenewalTarget;
  readonly #fresh: () => Promise<string>;
  readonly #now: () => number;
  #exp: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(target: RenewalTarget, token: string, fresh: () => Promise<string>, now: () => number) {
    this.#target = target;
    this.#fresh = fresh;
    this.#now = now;
    this.#exp = tokenExpiryMs(token);
    if (this.#exp !== undefined) this.#at(this.#exp - BEFORE_EXP_MS);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #at(when: number): void {
    // Past the hub's deadline it has closed the session: the reconnect asks getToken anyway.
    if (this.#stopped || this.#exp === undefined || when >= this.#exp + HUB_TOLERANCE_MS) return;
    const delay = when - this.#now();
    // A wait past setTimeout's longest (a token of 25 days or more) is taken in steps: renewing at the
    // first step would ask getToken too early, then every RETRY_MS until a later token comes.
    this.#timer = setTimeout(() => (delay > MAX_DELAY_MS ? this.#at(when) : void this.#renew()), Math.min(MAX_DELAY_MS, Math.max(0, delay)));
  }

  async #renew(): Promise<void> {
    let token: string | undefined;
    try {
      token = await this.#fresh();
    } catch {
      token = undefined;
    }
    if (this.#stopped) return;
    const exp = token === undefined ? undefined : tokenExpiryMs(token);
    if (token === undefined || exp === undefined || exp <= this.#exp!) return this.#at(this.#now() + RETRY_MS);
    if (!this.#target.send({ op: "auth", token })) return;
    this.#exp = exp;
    this.#at(exp - BEFORE_EXP_MS);
  }
}
