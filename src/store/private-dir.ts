// Embedded mode keeps DATA_DIR to its user: the WAL and tables hold whsec_ secrets and webhook URLs.
import { chmodSync, readdirSync } from "node:fs";
import { join } from "node:path";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** chmods `root` and everything under it: PGlite writes its first files 0666 and folders 0755. */
export function makePrivate(root: string): void {
  chmodSync(root, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) chmodSync(path, PRIVATE_DIR_MODE);
    else if (entry.isFile()) chmodSync(path, PRIVATE_FILE_MODE);
  }
}

/** Runs `work` with a umask that keeps group and others out of what it creates, then restores it. */
export async function withPrivateUmask<T>(work: () => Promise<T>): Promise<T> {
  const previous = process.umask(0o077);
  try {
    return await work();
  } finally {
    process.umask(previous);
  }
}
