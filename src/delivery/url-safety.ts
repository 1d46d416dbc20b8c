// Webhook targets and scheduled sources must not reach into the hub's own network (SSRF). Creation checks the
// URL's form and literal addresses; each request resolves the name, checks every address and pins one.
import { lookup } from "node:dns/promises";
import { BlockList, isIP, SocketAddress } from "node:net";

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) PRIVATE.addSubnet(net, prefix, "ipv4");
// 64:ff9b:1::/48 is the local-use NAT64 prefix (RFC 8215): what it translates to is the operator's choice.
for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b:1::", 48], ["2001:db8::", 32]] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv6");
}

const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** A name's addresses, as dns.lookup(all) gives them; injectable so tests can point a public name anywhere. */
export type Resolver = (host: string) => Promise<{ address: string }[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true });

/** The IPv4 addresses an IPv6 address carries, for the forms a router or host translates to IPv4. */
export function embeddedIpv4(address: string): string[] {
  const words = ipv6Words(address);
  if (!words) return [];
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  const found: string[] = [];
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, IPv4-compatible ::a.b.c.d.
  if (zero(0, 5) && words[5] === 0xffff) found.push(v4(words[6]!, words[7]!));
  if (zero(0, 4) && words[4] === 0xffff && words[5] === 0) found.push(v4(words[6]!, words[7]!));
  if (zero(0, 6) && (words[6] !== 0 || words[7]! > 1)) found.push(v4(words[6]!, words[7]!));
  // NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001:0::/32 (server, and the client's address inverted).
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) found.push(v4(words[6]!, words[7]!));
  if (words[0] === 0x2002) found.push(v4(words[1]!, words[2]!));
  if (words[0] === 0x2001 && words[1] === 0) found.push(v4(words[2]!, words[3]!), v4(~words[6]! & 0xffff, ~words[7]! & 0xffff));
  return found;
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return PRIVATE.check(address, "ipv4");
  return PRIVATE.check(address, "ipv6") || embeddedIpv4(address).some((a) => PRIVATE.check(a, "ipv4"));
}

/** Trailing dots name the same host (`localhost.` is localhost); the URL parser keeps them. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "");

export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not carry credentials" };
  if (allowPrivate) {
    return url.protocol === "https:" || url.protocol === "http:" ? { ok: true, url } : { ok: false, reason: "must be http or https" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "must be https (set WEBHOOK_ALLOW_PRIVATE=1 for http)" };
  const host = hostOf(url);
  if (isIP(host) ? isPrivateAddress(host) : LOCAL_NAMES.test(host) || !host.includes(".")) {
    return { ok: false, reason: "must point at a public address" };
  }
  return { ok: true, url };
}

/**
 * Resolves the host and refuses it if any address is private; returns the address to connect to. With
 * WEBHOOK_ALLOW_PRIVATE and the system resolver the name is left to the connection (no pin is needed).
 */
export async function resolvePublicAddress(
  url: URL,
  allowPrivate: boolean,
  resolve?: Resolver,
): Promise<UrlCheck & { address?: string }> {
  const check = checkWebhookUrl(url.toString(), allowPrivate);
  if (!check.ok) return check;
  const host = hostOf(url);
  if (isIP(host) || (allowPrivate && !resolve)) return { ok: true, url, address: host };
  const addresses = await (resolve ?? systemResolver)(host);
  if (addresses.length === 0) return { ok: false, reason: `${host} has no address` };
  if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
    return { ok: false, reason: `${host} resolves to a private address` };
  }
  return { ok: true, url, address: addresses[0]!.address };
}

function ipv6Words(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  // SocketAddress normalizes every spelling (embedded dotted quads too) into one compressed form.
  const text = new SocketAddress({ address, family: "ipv6" }).address;
  const [head, tail] = text.includes("::") ? text.split("::") : [text, null];
  const parse = (s: string | null | undefined) => (s ? s.split(":").flatMap(part) : []);
  const part = (p: string): number[] => {
    if (p.includes(".")) {
      const [a, b, c, d] = p.split(".").map(Number);
      return [(a! << 8) | b!, (c! << 8) | d!];
    }
    return [parseInt(p, 16)];
  };
  const left = parse(head);
  const right = parse(tail);
  return tail === null ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
