// JWT verification with jose: HS256 with a shared secret, or asymmetric keys from a JWKS URL.
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";

export interface Principal {
  sub: string;
  roles: string[];
}

export type VerifyToken = (token: string) => Promise<Principal | null>;

export interface AuthOptions {
  secret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
}

const ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** Checked when built: a verifier with no key source would refuse everyone and nobody would know why. */
export function createTokenVerifier(options: AuthOptions): VerifyToken {
  if (!options.secret && !options.jwksUrl) throw new Error("JWT_SECRET or JWT_JWKS_URL must be set");
  const key: Uint8Array | JWTVerifyGetKey = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : new TextEncoder().encode(options.secret!);
  const verifyOptions = {
    algorithms: options.jwksUrl ? ASYMMETRIC : ["HS256"],
    requiredClaims: ["exp", "sub"],
    clockTolerance: 30,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, verifyOptions);
      if (typeof payload.sub !== "string" || payload.sub.length === 0) return null;
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
      return { sub: payload.sub, roles };
    } catch {
      return null;
    }
  };
}

export const isAdmin = (p: Principal) => p.roles.includes("admin");
export const canPublish = (p: Principal) => isAdmin(p) || p.roles.includes("publisher");
