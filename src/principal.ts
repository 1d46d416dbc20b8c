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

/** A persona's name (a JWT sub) is at most this many characters: the persona channel and ?persona= say so too. */
export const MAX_SUB_CHARS = 256;

/**
 * The subs the hub accepts, and `dashwatch token` mints: 1 to MAX_SUB_CHARS characters and no control
 * characters (C0, DEL or C1) (a NUL cannot reach a PostgreSQL text column, where a sub is stored as an owner).
 */
export const isValidSub = (sub: string): boolean => sub.length > 0 && sub.length <= MAX_SUB_CHARS && !/[\u0000-\u001f\u007f-\u009f]/.test(sub);
