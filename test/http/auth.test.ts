import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenVerifier } from "../../src/http/auth.js";
import { mintToken } from "../../src/http/token.js";
import { setupDashboard } from "../helpers/fixtures.js";
import { createTestApp, TEST_SECRET, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await setupDashboard(t, "guarded");
});
afterAll(() => t.close());

const get = (token?: string) => t.call("GET", "/api/dashboard/guarded", token ? { token } : {});

describe("auth", () => {
  it("refuses a missing token with 401 problem+json", async () => {
    const res = await get();
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 401, title: "Unauthorized" });
    expect(res.body.type).toMatch(/\/unauthorized$/);
  });

  it("refuses expired, alg none, wrong-key and exp-less tokens", async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("a").setExpirationTime(Math.floor(Date.now() / 1000) - 120).sign(key);
    const none = new UnsecuredJWT({ roles: ["admin"] }).setSubject("a").setExpirationTime("1h").encode();
    const wrongKey = await mintToken("another-secret-another-secret-another", { sub: "a" });
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("a").sign(key);
    for (const token of [expired, none, wrongKey, noExp, "garbage"]) expect((await get(token)).status).toBe(401);
  });

  it("accepts a sub of 1 to 256 characters without control characters, and refuses any other", async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const withSub = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setExpirationTime("1h").sign(key);
    for (const sub of ["a", "é".repeat(256), "persona with spaces"]) expect((await get(await withSub(sub))).status, sub).toBe(200);
    for (const sub of ["", "a".repeat(257), "a\u0000b", "a\nb", "a\u007fb", "a\u0085b", "a\u009fb"]) expect((await get(await withSub(sub))).status, JSON.stringify(sub)).toBe(401);
  });

  it("accepts the bearer scheme in any case, and no other scheme", async () => {
    const token = await t.token({ sub: "a" });
    for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) {
      const res = await t.call("GET", "/api/dashboard/guarded", { headers: { authorization: `${scheme} ${token}` } });
      expect(res.status, scheme).toBe(200);
    }
    for (const header of [`Basic ${token}`, `Bearer${token}`, token, "Bearer ", `Bearer ${token} extra`]) {
      expect((await t.call("GET", "/api/dashboard/guarded", { headers: { authorization: header } })).status, header).toBe(401);
    }
  });

  it("accepts a token within the 30 s clock tolerance", async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const justExpired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("a").setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(key);
    expect((await get(justExpired)).status).toBe(200);
  });

  it("remembers a verified token no longer than its expiry plus the tolerance", async () => {
    let clock = Date.now();
    const verify = createTokenVerifier({ secret: TEST_SECRET, jwksUrl: null, issuer: null, audience: null, now: () => clock });
    // Accepted now (29 s past exp, inside the 30 s tolerance) and refused about a second later.
    const exp = Math.floor(clock / 1000) - 29;
    const nearlyOut = await mintToken(TEST_SECRET, { sub: "a", expiresIn: exp });
    // expiresAt: when the hub stops accepting it, which is when a WebSocket session on it ends.
    expect(await verify(nearlyOut)).toEqual({ sub: "a", roles: [], expiresAt: (exp + 30) * 1000 });
    expect(await verify(nearlyOut)).toEqual({ sub: "a", roles: [], expiresAt: (exp + 30) * 1000 });
    clock += 1100;
    expect(await verify(nearlyOut)).toBeNull();
  });

  it("checks issuer and audience when configured", async () => {
    const verify = createTokenVerifier({ secret: TEST_SECRET, jwksUrl: null, issuer: "dw", audience: "hub" });
    const good = await mintToken(TEST_SECRET, { sub: "a", issuer: "dw", audience: "hub" });
    const wrongAud = await mintToken(TEST_SECRET, { sub: "a", issuer: "dw", audience: "other" });
    const noIss = await mintToken(TEST_SECRET, { sub: "a", audience: "hub" });
    expect(await verify(good)).toMatchObject({ sub: "a", roles: [] });
    expect(Object.keys((await verify(good))!).sort()).toEqual(["expiresAt", "roles", "sub"]);
    expect(await verify(wrongAud)).toBeNull();
    expect(await verify(noIss)).toBeNull();
  });

  it("lets only publishers and admins post snapshots", async () => {
    const reader = await t.token({ sub: "reader" });
    const publisher = await t.token({ sub: "pub", roles: ["publisher"] });
    expect((await t.call("POST", "/api/dashboard/guarded/snapshot", { token: reader, body: { rows: [] } })).status).toBe(403);
    expect((await t.call("POST", "/api/dashboard/guarded/snapshot", { token: publisher, body: { rows: [] } })).status).toBe(201);
  });

  it("needs no token for health, metrics and openapi", async () => {
    expect((await t.call("GET", "/health")).status).toBe(200);
    expect((await t.call("GET", "/metrics")).status).toBe(200);
    const spec = await t.call("GET", "/openapi.json");
    expect(spec.body.openapi).toBe("3.1.0");
    expect(Object.keys(spec.body.paths)).toContain("/api/dashboard/{id}/snapshot");
  });
});
