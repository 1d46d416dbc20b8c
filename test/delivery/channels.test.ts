import { createServer } from "node:net";
import { afterAll, beforeAll } from "vitest";
import type { DeliveryChannel } from "../../src/delivery/delivery-channel.js";
import { createEmailChannel } from "../../src/delivery/email-channel.js";
import { createWebhookChannel } from "../../src/delivery/webhook-channel.js";
import { describeChannelContract, type TargetMode } from "./channel-contract.js";
import { newSecret } from "./helpers/delivery-fixture.js";
import { sampleJob } from "./helpers/sample-job.js";
import { startSmtpReceiver, type SmtpReceiver } from "./helpers/smtp-receiver.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

let hooks: WebhookReceiver;
let smtp: SmtpReceiver;
let closedPort: number;
let webhook: DeliveryChannel;
let email: DeliveryChannel;
let emailNowhere: DeliveryChannel;

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  [hooks, smtp, closedPort] = await Promise.all([startWebhookReceiver((req) => (req.path === "/busy" ? 503 : 200)), startSmtpReceiver(), freePort()]);
  smtp.refuseAddress.set("busy@example.com", 451).set("bounce@example.com", 550);
  webhook = createWebhookChannel({ allowPrivate: true, timeoutMs: 2_000 });
  email = createEmailChannel({ smtpUrl: smtp.url, from: "dashwatch@example.com", timeoutMs: 2_000 });
  emailNowhere = createEmailChannel({ smtpUrl: `smtp://127.0.0.1:${closedPort}`, from: "dashwatch@example.com", timeoutMs: 2_000 });
});
afterAll(async () => {
  await Promise.all([hooks.close(), smtp.close(), email.close?.(), emailNowhere.close?.()]);
});

const webhookTargets: Record<TargetMode, () => string> = {
  accept: () => `${hooks.url}/ok`,
  temporary: () => `${hooks.url}/busy`,
  permanent: () => "ftp://hooks.example.com/never",
  unreachable: () => `http://127.0.0.1:${closedPort}/`,
};

describeChannelContract("webhook", () => ({
  send: (mode) => webhook.send(sampleJob("webhook", webhookTargets[mode](), newSecret())),
  received: () => hooks.requests.filter((r) => r.path === "/ok").length,
}));

const emailTargets: Record<Exclude<TargetMode, "unreachable">, string> = {
  accept: "ok@example.com",
  temporary: "busy@example.com",
  permanent: "bounce@example.com",
};

describeChannelContract("email", () => ({
  send: (mode) => (mode === "unreachable" ? emailNowhere.send(sampleJob("email", "ok@example.com")) : email.send(sampleJob("email", emailTargets[mode]))),
  received: () => smtp.messages.length,
}));
