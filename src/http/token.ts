// Mints HS256 tokens: the demo admin token printed in embedded mode, and tokens in tests and benchmarks.
import { SignJWT } from "jose";

export interface MintOptions {
  sub: string;
  roles?: string[];
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}

export async function mintToken(secret: string, o: MintOptions): Promise<string> {
  let jwt = new SignJWT({ roles: o.roles ?? [] })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(o.sub)
    .setIssuedAt()
    .setExpirationTime(o.expiresIn ?? "1h");
  if (o.issuer) jwt = jwt.setIssuer(o.issuer);
  if (o.audience) jwt = jwt.setAudience(o.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
