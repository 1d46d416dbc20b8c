// JWT verification with jose: HS256 with a shared secret, or asymmetric keys from a JWKS URL.
import { createSecretKey, type KeyObject } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { isValidSub, type Principal, type VerifiedPrincipal, type VerifyToken } from "../principal.js";

/** Where routes have always found them; they are defined in src/principal.ts. */
export type { Principal, VerifyToken };

export interface AuthOptions {
  secret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  /** The clock of expiry checks, in ms since epoch (default Date.now): tests move it instead of waiting. */
  now?: () => number;
}

/** Verified tokens remembered; past this the oldest is forgotten (a few MB at most). */
const VERIFIED_TOKENS_KEPT = 10_000;

const ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** Checked when built: a verifier with no key source would refuse everyone and nobody would know why. */
export function createTokenVerifier(options: AuthOptions): VerifyToken {
  if (!options.secret && !options.jwksUrl) throw new Error("JWT_SECRET or JWT_JWKS_URL must be set");
  // A KeyObject made once: handed raw bytes, jose imports the key again on every verify, which was
  // about half of a verify's cost (measured 240 → 140 µs).
  const key: KeyObject | JWTVerifyGetKey = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : createSecretKey(Buffer.from(options.secret!, "utf8"));
  const verifyOptions = {
    algorithms: options.jwksUrl ? ASYMMETRIC : ["HS256"],
    requiredClaims: ["exp", "sub"],
    clockTolerance: 30,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  const verified = new Map<string, { principal: VerifiedPrincipal; until: number }>();
  const now = options.now ?? Date.now;
  return async (token) => {
    // A publisher sends the same token with every request; a signature checks out the same each time,
    // so it is checked once and the answer kept until the token's own expiry (tolerance included).
    const known = verified.get(token);
    if (known) {
      if (now() < known.until) return known.principal;
      verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, key as KeyObject, options.now ? { ...verifyOptions, currentDate: new Date(now()) } : verifyOptions);
      if (typeof payload.sub !== "string" || !isValidSub(payload.sub)) return null;
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
      const until = (payload.exp! + verifyOptions.clockTolerance) * 1000;
      const principal = { sub: payload.sub, roles, expiresAt: until };
      if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
      verified.set(token, { principal, until });
      return principal;
    } catch {
      return null;
    }
  };
}

export const isAdmin = (p: Principal) => p.roles.includes("admin");
export const canPublish = (p: Principal) => isAdmin(p) || p.roles.includes("publisher");
/** Admins, and the owner of what `owner` names; nobody owns what has no owner (null). */
export const ownsOrAdmin = (p: Principal, owner: string | null) => isAdmin(p) || (owner !== null && owner === p.sub);
/** A listing's owner filter: null (everything) for admins, else the caller's own. */
export const ownerScope = (p: Principal): string | null => (isAdmin(p) ? null : p.sub);

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(header: string | undefined): string | null {
  return header ? (/^bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] ?? null) : null;
}
