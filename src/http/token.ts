// Mints HS256 tokens: the demo admin token printed in embedded mode, and tokens in tests and benchmarks.
import { SignJWT } from "jose";

export interface MintOptions {
  sub: string;
  roles?: string[];
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}

export async function mintToken(secret: string, options: MintOptions): Promise<string> {
  let jwt = new SignJWT({ roles: options.roles ?? [] })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "1h");
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
