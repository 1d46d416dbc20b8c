// A publisher that keeps going through crashes: each snapshot is posted until a node accepts it (201),
// moving on to the next node after a failure. No Idempotency-Key on purpose: a post that committed but
// lost its answer in a crash is simply posted again (a second, identical snapshot), and the log, not the
// publisher's count, is what consumers are compared with.

export interface PublishOptions {
  /** Nodes to post to: snapshot i goes to node i % n first. Read on every attempt, so it may change. */
  targets: () => string[];
  token: string;
  dashboardId: string;
  count: number;
  /** The snapshot body for index i. Default: two rows and primary_metric i + 1 (so every one is a change). */
  body?: (i: number) => unknown;
  /** Called once per accepted snapshot, in order; returning true stops publishing there. */
  onAccepted?: (i: number) => boolean | void | Promise<boolean | void>;
  /** Pause between failed attempts (the node is down or restarting). */
  retryMs?: number;
  deadlineMs?: number;
}

export interface PublishReport {
  accepted: number;
  failedAttempts: number;
  statuses: Record<string, number>;
}

export const defaultSnapshot = (i: number) => ({
  rows: [
    { id: "a", score: i },
    { id: "b", score: 1000 - i },
  ],
  primary_metric: i + 1,
});

export async function publishSnapshots(o: PublishOptions): Promise<PublishReport> {
  const body = o.body ?? defaultSnapshot;
  const deadline = Date.now() + (o.deadlineMs ?? 45_000);
  const report: PublishReport = { accepted: 0, failedAttempts: 0, statuses: {} };
  for (let i = 0; i < o.count; i++) {
    const payload = JSON.stringify(body(i));
    for (let attempt = 0; ; attempt++) {
      const targets = o.targets();
      const base = targets[(i + attempt) % targets.length]!;
      const outcome = await post(`${base}/api/dashboard/${o.dashboardId}/snapshot`, o.token, payload);
      report.statuses[outcome] = (report.statuses[outcome] ?? 0) + 1;
      if (outcome === "201") break;
      if (/^4/.test(outcome)) throw new Error(`snapshot ${i} refused with ${outcome}`);
      report.failedAttempts += 1;
      if (Date.now() > deadline) throw new Error(`snapshot ${i} not accepted in time (${JSON.stringify(report)})`);
      await new Promise((resolve) => setTimeout(resolve, o.retryMs ?? 100));
    }
    report.accepted += 1;
    if ((await o.onAccepted?.(i)) === true) break;
  }
  return report;
}

/** The status as a string, or the network error's code ("ECONNREFUSED", "ECONNRESET", ...). */
async function post(url: string, token: string, payload: string): Promise<string> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: payload,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return String(res.status);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).name;
  }
}
