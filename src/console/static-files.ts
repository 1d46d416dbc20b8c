// The console's files, read once from one flat directory. Only names of the form `name.ext` with a known
// extension are served, so no request path can reach outside the directory.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface StaticFile {
  body: string;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

export const STATIC_NAME = /^[a-z][a-z0-9-]*\.(html|js|css)$/;

export type StaticFiles = (name: string) => Promise<StaticFile | undefined>;

export function createStaticFiles(dir: string): StaticFiles {
  let loaded: Promise<Map<string, StaticFile>> | undefined;
  return async (name) => {
    loaded ??= load(dir).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return (await loaded).get(name);
  };
}

async function load(dir: string): Promise<Map<string, StaticFile>> {
  const names = (await readdir(dir)).filter((name) => STATIC_NAME.test(name));
  const bodies = await Promise.all(names.map((name) => readFile(join(dir, name), "utf8")));
  const files = new Map<string, StaticFile>();
  names.forEach((name, k) => {
    const ext = STATIC_NAME.exec(name)![1]!;
    files.set(name, { body: bodies[k]!, contentType: CONTENT_TYPES[ext]! });
  });
  return files;
}
