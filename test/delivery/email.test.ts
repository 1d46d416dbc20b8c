import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryWorker } from "../../src/delivery/delivery-worker.js";
import { createDrizzleDeliveryStore } from "../../src/store/delivery-queries.js";
import { createEmailChannel } from "../../src/delivery/email-channel.js";
import { alertingDashboard, createDeliveryFixture, outbox, type DeliveryFixture } from "./helpers/delivery-fixture.js";
import { startSmtpReceiver, type SmtpReceiver } from "./helpers/smtp-receiver.js";
import { memoryLogger, testConfig } from "./helpers/worker-config.js";

let f: DeliveryFixture;
let smtp: SmtpReceiver;
beforeAll(async () => {
  [f, smtp] = await Promise.all([createDeliveryFixture(), startSmtpReceiver()]);
});
afterAll(async () => {
  await Promise.all([f.close(), smtp.close()]);
});

function emailWorker() {
  const config = testConfig({ smtpUrl: smtp.url });
  // The default channels: webhook always, email because SMTP_URL is set.
  return createDeliveryWorker({ store: createDrizzleDeliveryStore(f.database.db), config, logger: memoryLogger(), now: f.clock.now });
}

const mailTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));

describe("email deliveries", () => {
  it("sends a mail whose subject names the dashboard and whose body says what changed and names both snapshots", async () => {
    const { snapshots } = await alertingDashboard(f.store, "mail-named", [{ kind: "email", subscriberId: "ops@example.com" }], 1, "Top players");
    const worker = emailWorker();
    expect(await worker.runOnce()).toBe(1);
    await worker.stop();

    const [mail, ...others] = mailTo("ops@example.com");
    expect(others).toHaveLength(0);
    expect(mail!.subject).toContain("Top players");
    expect(mail!.subject).toContain("score of row c rose 200 %");
    expect(mail!.text).toContain("Dashboard Top players (mail-named) changed.");
    expect(mail!.text).toContain("- score of row c rose 200 % (1 → 3)");
    expect(mail!.text).toContain("- score of row a rose 25 % (8 → 10)");
    expect(mail!.text).toContain(`Previous snapshot: ${snapshots[0]!.snapshot_id}`);
    expect(mail!.text).toContain(`New snapshot: ${snapshots[1]!.snapshot_id}`);
    expect(mail!.headers.get("from")).toBe("dashwatch@example.com");
    expect(await outbox(f.database, "mail-named")).toMatchObject([{ status: "delivered", attempts: 1 }]);
  });

  it("names the dashboard by its id when it has no name", async () => {
    await alertingDashboard(f.store, "mail-unnamed", [{ kind: "email", subscriberId: "noname@example.com" }]);
    const worker = emailWorker();
    expect(await worker.runOnce()).toBe(1);
    await worker.stop();
    const [mail] = mailTo("noname@example.com");
    expect(mail!.subject).toMatch(/^\[Dashwatch\] mail-unnamed: /);
    expect(mail!.text).toContain("Dashboard mail-unnamed changed.");
  });

  it("retries after a temporary SMTP refusal and gives up at once on a permanent one", async () => {
    await alertingDashboard(f.store, "mail-refused", [{ kind: "email", subscriberId: "later@example.com" }]);
    // Claims go oldest due first: this makes "mail-refused" the first one claimed.
    f.clock.advance(1);
    await alertingDashboard(f.store, "mail-bounced", [{ kind: "email", subscriberId: "never@example.com" }]);
    const channel = createEmailChannel({ smtpUrl: smtp.url, from: "dashwatch@example.com", timeoutMs: 2_000 });
    const worker = createDeliveryWorker({ store: createDrizzleDeliveryStore(f.database.db), config: testConfig(), logger: memoryLogger(), now: f.clock.now, channels: { email: channel }, batchSize: 1 });
    try {
      smtp.refuseWith = 451;
      expect(await worker.runOnce()).toBe(1);
      smtp.refuseWith = 550;
      expect(await worker.runOnce()).toBe(1);
      smtp.refuseWith = null;
      f.clock.advance(50);
      expect(await worker.runOnce()).toBe(1);
      expect(await worker.runOnce()).toBe(0);
    } finally {
      smtp.refuseWith = null;
      await channel.close?.();
    }
    expect(mailTo("later@example.com")).toHaveLength(1);
    expect(mailTo("never@example.com")).toHaveLength(0);
    expect(await outbox(f.database, "mail-refused")).toMatchObject([{ status: "delivered", attempts: 2 }]);
    const [bounced] = await outbox(f.database, "mail-bounced");
    expect(bounced).toMatchObject({ status: "failed", attempts: 1 });
    expect(bounced!.lastError).toContain("550");
  });
});
