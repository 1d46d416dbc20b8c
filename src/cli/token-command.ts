// `dashwatch token`: mints an HS256 token with the secret the hub verifies with, read from the same
// settings the hub reads (JWT_SECRET, else embedded mode's secret under DATA_DIR).
import { ConfigError, loadConfig } from "../config.js";
import { embeddedSecretFile, hubSecret, readEmbeddedSecret, type HubSecret } from "../embedded-secret.js";
import { mintToken } from "../http/token.js";
import { isValidSub, MAX_SUB_CHARS } from "../principal.js";
import { CommandError, UsageError } from "./cli-error.js";
import { parseCommand, positiveInt } from "./common-options.js";
import { writeLine, type CliIo } from "./io.js";

/** A year: long enough for a service's token, short enough that a forgotten one still ends. */
export const MAX_TTL_SECONDS = 365 * 24 * 3600;

export const TOKEN_HELP = `Usage: dashwatch token --sub SUB [--roles r1,r2] [--ttl SECONDS] [--data-dir DIR]

Prints a bearer token for the hub on this machine: signed with JWT_SECRET when it is set, else with the
secret an embedded hub (no DATABASE_URL) keeps in DATA_DIR/jwt-secret. JWT_ISSUER and JWT_AUDIENCE are
set in the token when the hub checks them. A hub on JWT_JWKS_URL takes tokens from its identity provider.

Options:
  --sub SUB        the persona (JWT sub), required
  --roles LIST     comma-separated roles, e.g. admin or publisher (default: none, a reader)
  --ttl SECONDS    lifetime, 1 to ${MAX_TTL_SECONDS} (default 3600)
  --data-dir DIR   the embedded hub's DATA_DIR (default: DATA_DIR, else ./data)
  -h, --help       this help

Exit: 0 printed, 1 no secret to sign with, 2 usage error.
`;

export async function token(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    sub: { type: "string" },
    roles: { type: "string" },
    ttl: { type: "string", default: "3600" },
    "data-dir": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(TOKEN_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`token takes no arguments (got "${positionals[0]}")`);
  if (!values.sub) throw new UsageError("--sub is required");
  if (!isValidSub(values.sub)) throw new UsageError(`--sub: at most ${MAX_SUB_CHARS} characters, no control characters`);
  const roles = values.roles === undefined ? [] : values.roles.split(",").map((r) => r.trim());
  if (roles.some((r) => r === "")) throw new UsageError("--roles: a comma-separated list of role names, none empty");
  const ttl = positiveInt("--ttl", values.ttl, MAX_TTL_SECONDS);

  let config;
  try {
    config = loadConfig({ ...io.env, ...(values["data-dir"] ? { DATA_DIR: values["data-dir"] } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message);
    throw error;
  }
  const secret = signingSecret(hubSecret(config));
  const minted = await mintToken(secret, {
    sub: values.sub,
    roles,
    expiresIn: `${ttl}s`,
    ...(config.jwt.issuer ? { issuer: config.jwt.issuer } : {}),
    ...(config.jwt.audience ? { audience: config.jwt.audience } : {}),
  });
  await writeLine(io.stdout, minted);
  return 0;
}

/** The CLI never makes the embedded secret: a token signed with one no hub holds would be refused. */
function signingSecret(source: HubSecret): string {
  switch (source.kind) {
    case "configured":
      return source.secret;
    case "jwks":
      throw new CommandError("the hub verifies tokens with JWT_JWKS_URL: get a token from that identity provider");
    case "unset":
      throw new CommandError("DATABASE_URL is set without JWT_SECRET: set the JWT_SECRET the hub uses");
    case "embedded": {
      const secret = readEmbeddedSecret(source.dataDir);
      if (secret === null) throw new CommandError(`no ${embeddedSecretFile(source.dataDir)}: start the embedded hub once (npm start) with this DATA_DIR, or pass --data-dir`);
      return secret;
    }
    default:
      return source satisfies never;
  }
}
