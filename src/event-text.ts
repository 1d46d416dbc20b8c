// The text of an event's `data` in the one order every path writes it: keys in jsonb order at every level
// (what the log hands back is already in it), so a live frame, a replayed one and the stored row agree.
//
// An ingest writes each event's data twice, into the log's insert and into the broker message, and many
// events share parts of it (subscriptions on one rule share its trace object). So the members text of a
// data object, and of each object directly inside it, is made once and remembered by identity.
//
// Long texts are joined from arrays rather than grown with `+=`: V8 keeps `a + b` as a rope (a cons
// string), and a rope of many pieces is copied flat, piece by piece, by the first reader that needs it in
// one run (a 1 000-subscription profile had that copy, under the Redis client's byte count, at 14 % of
// the hub's CPU). A joined string is made flat once, by the join. Short splices of two or three pieces
// stay template literals: joining those measured slower.

/**
 * jsonb's key order: shorter first by UTF-8 length, then by bytes, as PostgreSQL compares them. For
 * ASCII keys (nearly all) `byAsciiOrder` is the same order without encoding.
 */
function byJsonbOrder(a: string, b: string): number {
  const [x, y] = [Buffer.from(a, "utf8"), Buffer.from(b, "utf8")];
  return x.length - y.length || Buffer.compare(x, y);
}

/** The same order for ASCII keys, where UTF-8 length and bytes are UTF-16 length and code units. */
const byAsciiOrder = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);

/** JSON.stringify with every object's keys in jsonb order; undefined members are left out as it does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value as unknown[]) items.push(item === undefined || typeof item === "function" ? "null" : canonicalJson(item));
    return `[${items.join(",")}]`;
  }
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === "function") return canonicalJson(json.call(value));
  return ["{", members(value as Record<string, unknown>, null, canonicalJson), "}"].join("");
}

/** The members of an object (no braces), keys in jsonb order, leaving out `skip`. */
function members(object: Record<string, unknown>, skip: string | null, write: (item: unknown) => string): string {
  const keys = Object.keys(object);
  // One ASCII check per key, not one per comparison.
  const order = keys.every(isAscii) ? byAsciiOrder : byJsonbOrder;
  if (!isSorted(keys, order)) keys.sort(order);
  const out: string[] = [];
  for (const key of keys) {
    const item = object[key];
    if (key === skip || item === undefined || typeof item === "function") continue;
    if (out.length > 0) out.push(",");
    out.push(JSON.stringify(key), ":", write(item));
  }
  return out.join("");
}

function isSorted(keys: string[], order: (a: string, b: string) => number): boolean {
  for (let i = 1; i < keys.length; i++) if (order(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
}

const memberTexts = new WeakMap<object, string>();
const dataTexts = new WeakMap<object, string>();

/** An object inside `data`, written once per object however many events hold it. */
function sharedJson(item: unknown): string {
  if (item === null || typeof item !== "object") return canonicalJson(item);
  let text = memberTexts.get(item);
  if (text === undefined) memberTexts.set(item, (text = canonicalJson(item)));
  return text;
}

/**
 * `data`'s members without its `diff` (no braces), made once per data object: the diff is the part that
 * is stored and sent apart, so every writer splices it (or nothing) after these.
 */
export function dataMembers(data: Record<string, unknown>): string {
  let text = dataTexts.get(data);
  if (text === undefined) dataTexts.set(data, (text = members(data, "diff", sharedJson)));
  return text;
}

const diffTexts = new WeakMap<object, string>();

/**
 * A diff's text (JSON.stringify, the order it is stored in: a `json` column keeps it as written), made
 * once per diff object: the snapshot row, the broker's part and every frame of one commit or log page
 * share it.
 */
export function diffText(diff: unknown): string {
  if (diff === null || typeof diff !== "object") return JSON.stringify(diff) ?? "null";
  let text = diffTexts.get(diff);
  if (text === undefined) diffTexts.set(diff, (text = JSON.stringify(diff)));
  return text;
}
