// The one path of a committed write. Whatever the store commits reaches `onCommitted` (the hub, then the
// delivery worker), and a claimed Idempotency-Key is completed or released whatever happens: the snapshot
// route and the scheduler both write through here, so neither can forget one of the steps.
import type { LogEntry } from "../protocol/event.js";
import type { IdempotencyClaim, IngestInput, IngestOutcome, IngestResult, Store } from "../store/store.js";

/** Hands committed entries on; never throws: the log already holds them. */
export type CommitHook = (entries: LogEntry[], work?: CommittedWork) => void;

/** What a commit left for others besides its events. */
export interface CommittedWork {
  /** It queued a delivery due now (the ingest decides this from the outbox rows it wrote). */
  deliveriesDue: boolean;
}

export interface KeyClaim {
  key: string;
  /** sha256 of the request (content-hash.ts): the same key with another hash is "reused". */
  requestHash: string;
}

/** What to ingest once the key is claimed, or the answer that completes the key with nothing ingested. */
export type Prepared = { ingest: Omit<IngestInput, "dashboardId" | "idempotencyKey"> } | { skip: { status: number; body: unknown } };

/** "skipped" only for a `prepare` that can skip. */
export type SnapshotWrite<P extends Prepared = Prepared> =
  | { state: "committed"; outcome: IngestOutcome }
  /** The store refused it; nothing committed and the key was released. */
  | { state: "refused"; refusal: Extract<IngestResult, { ok: false }> }
  /** `prepare` answered `skip`; the key holds that answer. */
  | (P extends { skip: unknown } ? { state: "skipped" } : never)
  | Exclude<IdempotencyClaim, { state: "claimed" }>;

export interface CommittedWrites {
  onCommitted: CommitHook;
  /**
   * Claims the key (when there is one), prepares, ingests and publishes. The key is completed inside the
   * ingest transaction, so a committed snapshot always answers its key's retries; when nothing commits
   * (a refusal or a throw) the key is released for a retry.
   */
  writeSnapshot<P extends Prepared>(dashboardId: string, claim: KeyClaim | undefined, prepare: () => P | Promise<P>): Promise<SnapshotWrite<P>>;
}

export type WriteStore = Pick<Store, "claimIdempotencyKey" | "completeIdempotencyKey" | "releaseIdempotencyKey" | "ingestSnapshot">;

export function createCommittedWrites(deps: { store: WriteStore; onCommitted: CommitHook }): CommittedWrites {
  const { store, onCommitted } = deps;
  return {
    onCommitted,
    async writeSnapshot<P extends Prepared>(dashboardId: string, claim: KeyClaim | undefined, prepare: () => P | Promise<P>): Promise<SnapshotWrite<P>> {
      if (claim) {
        const claimed = await store.claimIdempotencyKey(dashboardId, claim.key, claim.requestHash);
        if (claimed.state !== "claimed") return claimed;
      }
      const release = async () => {
        if (claim) await store.releaseIdempotencyKey(dashboardId, claim.key);
      };
      try {
        const prepared: Prepared = await prepare();
        if ("skip" in prepared) {
          if (claim) await store.completeIdempotencyKey(dashboardId, claim.key, prepared.skip.status, prepared.skip.body);
          return { state: "skipped" } as SnapshotWrite<P>;
        }
        const result = await store.ingestSnapshot({ ...prepared.ingest, dashboardId, idempotencyKey: claim?.key });
        if (!result.ok) {
          await release();
          return { state: "refused", refusal: result };
        }
        onCommitted(result.value.entries, { deliveriesDue: result.value.deliveriesDue });
        return { state: "committed", outcome: result.value };
      } catch (error) {
        // A completed key survives a release (idempotency.ts), so an ingest that committed and then
        // failed to answer still answers its retries.
        await release().catch(() => {});
        throw error;
      }
    },
  };
}

export interface CommitTargets {
  hub: { publish(entries: LogEntry[]): Promise<void> };
  deliveries: { kick(): void };
  logger: { warn(details: object, message: string): void };
  /** TEST_CRASH_BEFORE_PUBLISH: the process dies after this dashboard's commit, before its publish. */
  crashBeforePublish?: string | null;
}

/** The hook of a running node: every commit goes to the hub, and one that queued a delivery due now wakes the worker. */
export function commitHook(targets: CommitTargets): CommitHook {
  const { hub, deliveries, logger, crashBeforePublish } = targets;
  return (entries, work) => {
    if (crashBeforePublish && entries.some((e) => e.event.dashboard_id === crashBeforePublish)) process.kill(process.pid, "SIGKILL");
    hub.publish(entries).catch((err: unknown) => logger.warn({ err }, "publish failed; the log keeps the events"));
    // A persona-only commit (its fallbacks wait their after_ms) or a disabled endpoint's alert costs the
    // outbox no claim query.
    if (work?.deliveriesDue) deliveries.kick();
  };
}
