// The size of a stored trace, whatever the rule: a 6.7 KB rule (`or` of 255 `top_n_reordering: 1000` leaves)
// once made every matching snapshot write a 6.65 MB event. Pure: sizes are counted in UTF-8 bytes of JSON.
import type { TraceNode } from "./types.js";

/** Items a list inside a trace node's `detail` keeps; the full length goes beside it. */
export const TRACE_LIST_ITEMS = 10;
/**
 * A trace over this is cut. 1 KiB under 16 KiB, so that an `alert.matched` event (ids, kind, actor and the
 * trace) stays within 16 KiB plus its diff for ids of ordinary length. The skeleton of the largest valid rule
 * (256 nodes, no values) is about 13.3 KB, so a cut trace still mirrors the rule tree.
 */
export const TRACE_MAX_BYTES = 15 * 1024;

/** UTF-8 length of a string JSON.stringify made (it escapes lone surrogates, so pairs are whole). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const jsonBytes = (v: unknown) => utf8Bytes(JSON.stringify(v) ?? "null");

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A list that is not a member of an object has no sibling for its count, so it becomes `{items, count}`. */
function boundLoose(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.slice(0, TRACE_LIST_ITEMS).map(boundLoose);
    return v.length > TRACE_LIST_ITEMS ? { items, count: v.length } : items;
  }
  return isPlainObject(v) ? boundMembers(v) : v;
}

/** A long list member `k` keeps its first items and gains `k_count`, so readers of `k` still get a list. */
function boundMembers(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const countKey = `${k}_count`;
    if (Array.isArray(v) && v.length > TRACE_LIST_ITEMS && !(countKey in o)) {
      out[k] = v.slice(0, TRACE_LIST_ITEMS).map(boundLoose);
      out[countKey] = v.length;
    } else out[k] = boundLoose(v);
  }
  return out;
}

/** Lists inside `detail` hold at most TRACE_LIST_ITEMS items plus a count; `children` keep every node. */
export function boundTraceLists(t: TraceNode): TraceNode {
  return {
    ...root(t),
    ...leafMembers(t, true, true),
    ...(t.detail !== undefined ? { detail: boundMembers(t.detail) } : {}),
    ...(t.children ? { children: t.children.map(boundTraceLists) } : {}),
  };
}

/** A node's own answer; the root flags go along so that a cut keeps them. */
function root(t: TraceNode): TraceNode {
  return {
    node: t.node,
    matched: t.matched,
    ...(t.unchanged !== undefined ? { unchanged: t.unchanged } : {}),
  };
}

function leafMembers(t: TraceNode, numbers: boolean, detail: boolean): Partial<TraceNode> {
  return {
    ...(numbers && t.value !== undefined ? { value: t.value } : {}),
    ...(numbers && t.threshold !== undefined ? { threshold: t.threshold } : {}),
    ...(detail && t.detail !== undefined ? { detail: t.detail } : {}),
  };
}

interface Kept {
  source: TraceNode;
  numbers: boolean;
  detail: boolean;
  children: Kept[];
}

const skeletonBytes = (t: TraceNode) => jsonBytes(root(t));
const CHILDREN_KEY = utf8Bytes(',"children":[]');
const TRUNCATED = utf8Bytes(',"truncated":true');
/** The bytes a node's members add to its JSON: a comma before each, the quoted key, the colon, the value. */
const membersBytes = (members: Partial<TraceNode>) => {
  const json = jsonBytes(members);
  return json === 2 ? 0 : json - 1;
};

/**
 * Cuts a trace to `maxBytes` of JSON: first every node without its leaf members, in pre-order while they
 * fit (a node that does not fit drops its subtree), then each leaf's `value` and `threshold` in pre-order,
 * then each `detail`, each where it still fits. The root says `truncated: true`; a node that lost a member
 * has none. Counts are exact, so the result always fits.
 */
function cut(trace: TraceNode, maxBytes: number): TraceNode {
  let used = skeletonBytes(trace) + TRUNCATED;
  const top: Kept = { source: trace, numbers: false, detail: false, children: [] };
  const order: Kept[] = [top];
  const walk = (parent: Kept) => {
    for (const child of parent.source.children ?? []) {
      const cost = skeletonBytes(child) + (parent.children.length === 0 ? CHILDREN_KEY : 1);
      if (used + cost > maxBytes) return;
      used += cost;
      const kept: Kept = { source: child, numbers: false, detail: false, children: [] };
      parent.children.push(kept);
      order.push(kept);
      walk(kept);
    }
  };
  walk(top);
  for (const member of ["numbers", "detail"] as const) {
    for (const kept of order) {
      const cost = membersBytes(leafMembers(kept.source, member === "numbers", member === "detail"));
      if (cost === 0 || used + cost > maxBytes) continue;
      used += cost;
      kept[member] = true;
    }
  }
  const build = (k: Kept): TraceNode => ({
    ...root(k.source),
    ...leafMembers(k.source, k.numbers, k.detail),
    ...(k.children.length > 0 ? { children: k.children.map(build) } : {}),
  });
  return { ...build(top), truncated: true };
}

/** The trace as stored and sent: lists bounded, then cut to `maxBytes` of JSON if it is still over. */
export function boundTrace(trace: TraceNode, maxBytes: number = TRACE_MAX_BYTES): TraceNode {
  const bounded = boundTraceLists(trace);
  return jsonBytes(bounded) <= maxBytes ? bounded : cut(bounded, maxBytes);
}
