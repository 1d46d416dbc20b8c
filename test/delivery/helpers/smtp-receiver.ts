// A real SMTP server on loopback (smtp-server) that keeps every message, decoded enough to read.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  headers: Map<string, string>;
}

export interface SmtpReceiver {
  url: string;
  messages: ReceivedMail[];
  /** Refuse the next recipients with this SMTP code (e.g. 550 or 451); null accepts. */
  refuseWith: number | null;
  /** Refuse these recipients with these codes, always. */
  refuseAddress: Map<string, number>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const receiver: SmtpReceiver = { url: "", messages: [], refuseWith: null, refuseAddress: new Map(), close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    secure: false,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = receiver.refuseAddress.get(address.address) ?? receiver.refuseWith;
      if (code === null) return callback();
      callback(Object.assign(new Error(`refused by test (${code})`), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        receiver.messages.push(parseMessage(Buffer.concat(chunks).toString("utf8"), session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  receiver.url = `smtp://127.0.0.1:${port}`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

/** Just enough MIME for a single text part: unfolded headers, RFC 2047 words, quoted-printable or base64. */
function parseMessage(raw: string, to: string[]): ReceivedMail {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = headers.get("content-transfer-encoding")?.toLowerCase();
  const text = encoding === "quoted-printable" ? decodeQp(body) : encoding === "base64" ? Buffer.from(body, "base64").toString("utf8") : body;
  return { to, subject: decodeWords(headers.get("subject") ?? ""), text: text.replace(/\r\n/g, "\n"), headers };
}

function decodeQp(s: string): string {
  const escaped = s.replace(/=\r?\n/g, "").replace(/%/g, "%25");
  return decodeURIComponent(escaped.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`));
}

function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQp(data.replace(/_/g, " ")),
    );
}
