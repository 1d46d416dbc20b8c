// Who a request or a WebSocket session acts as. HTTP (src/http/auth.ts verifies the tokens) and the hub
// (src/hub/access.ts decides who may listen where) both speak of this one shape.

export interface Principal {
  sub: string;
  roles: string[];
}

/** A principal as its token proves it, until `expiresAt` (ms since epoch, the clock tolerance included). */
export interface VerifiedPrincipal extends Principal {
  expiresAt: number;
}

export type VerifyToken = (token: string) => Promise<VerifiedPrincipal | null>;
