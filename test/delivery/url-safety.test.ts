// The SSRF checks as a table: every spelling of a private address is refused like the address itself.
import { describe, expect, it } from "vitest";
import { checkWebhookUrl, embeddedIpv4, isPrivateAddress, resolvePublicAddress } from "../../src/delivery/url-safety.js";

describe("webhook URL safety", () => {
  it.each([
    "https://localhost./hook",
    "https://localhost../hook",
    "https://metadata.google.internal./computeMetadata",
    "https://printer.local./",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://[::ffff:0:10.0.0.1]/",
    "https://[::127.0.0.1]/",
    "https://[::a9fe:a9fe]/",
    "https://[64:ff9b::127.0.0.1]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[64:ff9b:1::1]/",
    "https://[2002:7f00:1::]/",
    "https://[2002:c0a8:101::1]/",
    "https://[2001:0:a9fe:a9fe::1]/",
    "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",
    "https://2130706433/",
    "https://0x7f.1/",
  ])("refuses %s", (url) => {
    expect(checkWebhookUrl(url, false)).toEqual({ ok: false, reason: "must point at a public address" });
  });

  it.each([
    "https://hooks.example.com./x",
    "https://[::ffff:8.8.8.8]/",
    "https://[64:ff9b::8.8.8.8]/",
    "https://[2002:808:808::1]/",
    "https://[2606:4700::1111]/",
  ])("accepts %s", (url) => {
    expect(checkWebhookUrl(url, false)).toMatchObject({ ok: true });
  });

  it.each([
    ["::ffff:10.1.2.3", ["10.1.2.3"]],
    ["::192.168.1.1", ["192.168.1.1"]],
    ["64:ff9b::7f00:1", ["127.0.0.1"]],
    ["2002:a00:1::", ["10.0.0.1"]],
    ["2001:0:4136:e378:8000:63bf:f5ff:fffe", ["65.54.227.120", "10.0.0.1"]],
    ["::1", []],
    ["2606:4700::1111", []],
  ])("finds the IPv4 address inside %s", (address, embedded) => {
    expect(embeddedIpv4(address)).toEqual(embedded);
  });

  it("judges resolved addresses the same way, through an injected resolver", async () => {
    expect(isPrivateAddress("::ffff:169.254.169.254")).toBe(true);
    const url = new URL("https://api.example.com/data");
    for (const address of ["127.0.0.1", "64:ff9b::a00:1", "::ffff:192.168.0.1"]) {
      const checked = await resolvePublicAddress(url, false, async () => [{ address: "93.184.216.34" }, { address }]);
      expect(checked).toEqual({ ok: false, reason: "api.example.com resolves to a private address" });
    }
    expect(await resolvePublicAddress(url, false, async () => [{ address: "93.184.216.34" }])).toMatchObject({ ok: true, address: "93.184.216.34" });
  });
});
