// Follows a persona with the built SDK and prints each event as one JSON line.
//   npm run build                      (in client-sdk/, once)
//   DASHWATCH_URL=http://127.0.0.1:8787 DASHWATCH_TOKEN=<a token whose sub is P> node examples/node.mjs P
// Positions are kept in memory: a restart starts from now. See `dashwatch tail --state` for a file.
// "@dashwatch/client" resolves to this package's own dist through its exports map (package self-reference),
// exactly as it would from an application's node_modules.
import { createClient } from "@dashwatch/client";

const persona = process.argv[2];
const url = process.env.DASHWATCH_URL ?? "http://127.0.0.1:8787";
const token = process.env.DASHWATCH_TOKEN;
if (!persona || !token) {
  console.error("usage: DASHWATCH_TOKEN=<token> node examples/node.mjs <persona> [<dashboard>=<seq>]");
  process.exit(2);
}
// An optional start position, e.g. sales=0 to replay that dashboard's alerts from the beginning.
const since = Object.fromEntries(process.argv.slice(3).map((arg) => arg.split("=")).map(([id, seq]) => [id, Number(seq)]));

const client = createClient({ url, token });
client.on("state", (state) => console.error(`state: ${state}`));
const alerts = client.subscribe(`persona:${persona}`, { since });
alerts.on("gap", (gap) => console.error(`lost for good: ${JSON.stringify(gap)}`));
alerts.on("error", (error) => {
  console.error(`${error.code}: ${error.message}`);
  if (error.fatal) process.exit(1);
});
process.on("SIGINT", () => client.close());
process.on("SIGTERM", () => client.close());

for await (const event of alerts) console.log(JSON.stringify(event));
