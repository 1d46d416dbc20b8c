// What routes share: the injected parts and the per-request variables.
import type { Logger } from "pino";
import type { CommittedWrites } from "../app/committed-writes.js";
import type { Store, SubscriptionQuota } from "../store/store.js";
import type { Principal } from "./auth.js";

export interface ApiDeps {
  store: Store;
  /** Snapshot writes: key claim, ingest, release and publish in one step; other writes publish through its `onCommitted`. */
  writes: CommittedWrites;
  logger: Logger;
  now: () => Date;
  limits: { maxRows: number; webhookAllowPrivate: boolean };
  /** MAX_SUBSCRIPTIONS_PER_DASHBOARD and MAX_SUBSCRIPTIONS_PER_OWNER. */
  subscriptionQuota: SubscriptionQuota;
  /** Wakes the delivery worker (after a hand retry); absent where no worker runs. */
  kickDelivery?: () => void;
  /** MAX_PAGE_BYTES: an events or deliveries page stops before its JSON would pass this (default 8 MiB). */
  maxPageBytes?: number;
}

export interface Env {
  /** maxBodyBytes: MAX_BODY_BYTES, which readJson bounds every body by (http/body.ts). */
  Variables: { principal: Principal; requestId: string; log: Logger; maxBodyBytes: number };
}
