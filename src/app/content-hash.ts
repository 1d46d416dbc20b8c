// The hash of a request body, so every writer of an Idempotency-Key agrees on what "the same request" means.
import { createHash } from "node:crypto";

export const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");
