// Opening a subscription: replay-then-live without loss or repeats. The feed joins the broker topic first
// and holds what arrives live; then the head is read, `subscribed` sent, the log after `since` replayed in
// pages, and finally the held entries merged (anything at or below what was replayed is dropped). Because
// an event is published only after it commits, every event committed after the head read reaches the
// held inbox or lies in the replayed range.
import type { Channel, ErrorCode } from "../protocol/frames.js";
import type { Store } from "../store/store.js";
import type { ChannelFeed } from "./channel-feed.js";
import type { ChannelIndex } from "./channel-index.js";
import type { LogReader } from "./log-reader.js";
import type { Writer } from "./writer.js";

export type OpenResult = { ok: true } | { ok: false; code: ErrorCode; message: string };

export interface OpenDeps {
  store: Pick<Store, "getDashboard">;
  reader: LogReader;
  index: ChannelIndex;
  writer: Writer;
}

export interface OpenRequest {
  channel: Channel;
  name: string;
  feed: ChannelFeed;
  since: Record<string, number> | undefined;
}

const refuse = (code: ErrorCode, message: string): OpenResult => ({ ok: false, code, message });

/** Throws only when the store fails; the caller then drops the subscription. */
export async function openChannel(deps: OpenDeps, req: OpenRequest): Promise<OpenResult> {
  return req.channel.kind === "dashboard" ? openDashboard(deps, req, req.channel.id) : openPersona(deps, req, req.channel.id);
}

async function openDashboard(deps: OpenDeps, req: OpenRequest, id: string): Promise<OpenResult> {
  const { feed, name } = req;
  const before = await deps.store.getDashboard(id);
  if (!before) return refuse("not-found", `no dashboard "${id}"`);
  const since = req.since?.[id];
  if (since !== undefined && since > before.head_seq) return refuse("bad-request", `since.${id} is past the head (${before.head_seq})`);

  // A session closed meanwhile has already left the index; joining now would leak the feed there.
  if (feed.closed) return { ok: true };
  await deps.index.join(req.channel, feed);
  // Read after joining: everything committed from here on is either at or below this head, or published
  // to a topic this node now receives.
  const head = (await deps.store.getDashboard(id))?.head_seq ?? before.head_seq;
  if (feed.closed) return { ok: true };
  if (since === undefined) {
    feed.setPosition(id, head);
    deps.writer.control({ type: "subscribed", channel: name, recovered: true });
    feed.release();
    return { ok: true };
  }
  feed.setPosition(id, since);
  const recovered = since >= head || !(await dashboardPruned(deps.reader, id, since));
  deps.writer.control({ type: "subscribed", channel: name, recovered });
  await feed.replay(id, head);
  feed.release();
  return { ok: true };
}

async function openPersona(deps: OpenDeps, req: OpenRequest, persona: string): Promise<OpenResult> {
  const { feed, name } = req;
  const since = Object.entries(req.since ?? {});
  const dashboards = await Promise.all(since.map(([id]) => deps.store.getDashboard(id)));
  for (const [i, [id, seq]] of since.entries()) {
    const head = dashboards[i]?.head_seq ?? 0;
    if (seq > head) return refuse("bad-request", `since.${id} is past the head (${head})`);
  }

  if (feed.closed) return { ok: true };
  await deps.index.join(req.channel, feed);
  if (feed.closed) return { ok: true };
  for (const [id, seq] of since) feed.setPosition(id, seq);
  const pruned = await Promise.all(since.map(([id, seq]) => personaPruned(deps.reader, id, persona, seq)));
  deps.writer.control({ type: "subscribed", channel: name, recovered: !pruned.includes(true) });
  for (const [id] of since) {
    if (feed.closed) break;
    await feed.replay(id, null);
  }
  feed.release();
  return { ok: true };
}

/** Seqs after `since` up to the head all exist unless pruned, so a first retained seq beyond since+1 means pruned. */
async function dashboardPruned(reader: LogReader, id: string, since: number): Promise<boolean> {
  const page = await reader.read(id, { afterSeq: since, limit: 1 }, true);
  const first = page.entries[0];
  return first === undefined || first.event.seq > since + 1;
}

/**
 * The first retained alert names its predecessor: one after `since` that is not there was pruned. When
 * every alert after `since` was pruned nothing is left to tell, and recovered stays true.
 */
async function personaPruned(reader: LogReader, id: string, persona: string, since: number): Promise<boolean> {
  const page = await reader.read(id, { afterSeq: since, limit: 1, persona }, true);
  const first = page.entries[0];
  return first !== undefined && (first.prev_seq ?? 0) > since;
}
