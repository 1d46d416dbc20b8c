// The text of an event's `data` in the one order every path writes it: keys in jsonb order at every level
// (what the log hands back is already in it), so a live frame, a replayed one and the stored row agree.
//
// An ingest writes each event's data twice, into the log's insert and into the broker message, and many
// events share parts of it (subscriptions on one rule share its trace object). So the members text of a
// data object, and of each object directly inside it, is made once and remembered by identity.
//
// Texts are joined from arrays, never grown with `+=`: V8 makes `a + b` a rope (a cons string) that every
// later reader walks again, and each of these texts is read by several (the log's insert, the broker
// message, the UTF-8 encoder and its byte count). A joined string is flat once, when it is made. With ropes
// a 1 000-alert commit spent about 3× longer copying texts (measured: 5.7 against 2.0 ms in a microbench).

/**
 * jsonb's key order: shorter first by UTF-8 length, then by bytes. For ASCII keys (nearly all) that is
 * length and code unit; any other key is compared by its UTF-8 bytes, as PostgreSQL does.
 */
function byJsonbOrder(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  const [x, y] = [Buffer.from(a, "utf8"), Buffer.from(b, "utf8")];
  return x.length - y.length || Buffer.compare(x, y);
}

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
  if (!isSorted(keys)) keys.sort(byJsonbOrder);
  const out: string[] = [];
  for (const key of keys) {
    const item = object[key];
    if (key === skip || item === undefined || typeof item === "function") continue;
    if (out.length > 0) out.push(",");
    out.push(JSON.stringify(key), ":", write(item));
  }
  return out.join("");
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (byJsonbOrder(keys[i - 1]!, keys[i]!) > 0) return false;
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
