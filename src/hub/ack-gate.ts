// Which acks a connection may write (CONTRACT "Limits and hardening, version 2"): only for a dashboard it
// follows (it holds `dashboard:<id>`, or its persona has a persona subscription there) and only up to that
// dashboard's head. Anything else is refused before a write: an ack row per made-up dashboard would
// otherwise be the cheapest way to fill the database.
import type { Store } from "../store/store.js";

export type AckStore = Pick<Store, "getDashboard" | "hasPersonaSubscription">;

/** What the session knows without asking the store. */
export interface AckScope {
  /** The session holds `dashboard:<id>`. */
  holdsChannel: boolean;
  /** The last seq the session delivered on that channel, when it holds it. */
  delivered: number | undefined;
}

/** Dashboards confirmed through a persona subscription, kept per connection; past this, forgotten. */
const CONFIRMED_KEPT = 1024;

export class AckGate {
  /** Dashboard → a head seen, for dashboards followed through a persona subscription. */
  private readonly confirmed = new Map<string, number>();

  constructor(
    private readonly store: AckStore,
    private readonly persona: string,
  ) {}

  /** Null when the ack may be written, else why not. */
  async refusal(dashboardId: string, seq: number, scope: AckScope): Promise<string | null> {
    if (scope.holdsChannel && scope.delivered !== undefined && seq <= scope.delivered) return null;
    const knownHead = this.confirmed.get(dashboardId);
    if (knownHead !== undefined && seq <= knownHead) return null;
    const dashboard = await this.store.getDashboard(dashboardId);
    if (!dashboard) return `no dashboard "${dashboardId}"`;
    if (seq > dashboard.head_seq) return `seq ${seq} is past the head of ${dashboardId} (${dashboard.head_seq})`;
    if (scope.holdsChannel) return null;
    if (knownHead === undefined && !(await this.store.hasPersonaSubscription(dashboardId, this.persona))) {
      return `this connection does not follow ${dashboardId}: subscribe to dashboard:${dashboardId} or hold a persona subscription there`;
    }
    if (this.confirmed.size >= CONFIRMED_KEPT) this.confirmed.clear();
    this.confirmed.set(dashboardId, dashboard.head_seq);
    return null;
  }
}
