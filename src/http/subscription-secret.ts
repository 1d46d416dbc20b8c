import { randomBytes } from "node:crypto";

/** Standard Webhooks secret: "whsec_" and base64 of 24 random bytes. */
export const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;
