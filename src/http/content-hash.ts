// One hash for request bodies and snapshot contents, so every writer agrees on what "the same" means.
import { createHash } from "node:crypto";
import type { Row } from "../core/types.js";

export const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

export const snapshotContentHash = (rows: Row[], primaryMetric: number | null) => sha256(JSON.stringify([rows, primaryMetric]));
