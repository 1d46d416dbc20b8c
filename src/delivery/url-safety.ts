// Webhook targets must not reach into the hub's own network (SSRF). Creation checks the URL's form and
// literal addresses; send time resolves the name and checks every address it gets.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) PRIVATE.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["2001:db8::", 32]] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv6");
}

const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, "ipv4");
  return PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

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
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) ? isPrivateAddress(host) : LOCAL_NAMES.test(host) || !host.includes(".")) {
    return { ok: false, reason: "must point at a public address" };
  }
  return { ok: true, url };
}

/** Resolves the host and refuses it if any address is private; returns the address to connect to. */
export async function resolvePublicAddress(url: URL, allowPrivate: boolean): Promise<UrlCheck & { address?: string }> {
  const check = checkWebhookUrl(url.toString(), allowPrivate);
  if (!check.ok) return check;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (allowPrivate || isIP(host)) return { ok: true, url, address: host };
  const addresses = await lookup(host, { all: true });
  if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
    return { ok: false, reason: `${host} resolves to a private address` };
  }
  return { ok: true, url, address: addresses[0]!.address };
}
