// Embedded mode with no JWT settings: a secret made once and kept under DATA_DIR, so tokens survive restarts.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "./config.js";

export const embeddedSecretFile = (dataDir: string): string => join(dataDir, "jwt-secret");

export function loadOrCreateSecret(dataDir: string): string {
  const existing = readEmbeddedSecret(dataDir);
  if (existing !== null) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(embeddedSecretFile(dataDir), `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The secret a hub made under dataDir, or null when none has started there (the CLI never makes one). */
export function readEmbeddedSecret(dataDir: string): string | null {
  const file = embeddedSecretFile(dataDir);
  return existsSync(file) ? readFileSync(file, "utf8").trim() : null;
}

/**
 * Where the hub's HS256 secret comes from: JWT_SECRET; else none with JWT_JWKS_URL (an identity provider
 * signs); else, in embedded mode, the file under DATA_DIR; else none. The hub and `dashwatch token` both
 * ask here, so the CLI signs with what the hub verifies with.
 */
export type HubSecret =
  | { kind: "configured"; secret: string }
  | { kind: "jwks" }
  | { kind: "embedded"; dataDir: string }
  | { kind: "unset" };

export function hubSecret(config: Pick<Config, "jwt" | "databaseUrl" | "dataDir">): HubSecret {
  if (config.jwt.secret !== null) return { kind: "configured", secret: config.jwt.secret };
  if (config.jwt.jwksUrl) return { kind: "jwks" };
  return config.databaseUrl === null ? { kind: "embedded", dataDir: config.dataDir } : { kind: "unset" };
}
