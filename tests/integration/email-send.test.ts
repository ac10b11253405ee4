import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as Config from "../../core/config";
import * as Email from "../../core/email";
import * as Templates from "../../templates";

/** What the SES emulator keeps of each email (aws-ses-v2-local `Email`; custom headers are not kept). */
interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

let server: Server | undefined;
let endpoint: string;

beforeAll(async () => {
  // Use the stack the shared globalSetup started when there is one; otherwise start the SES emulator here.
  if (process.env.SES_ENDPOINT) {
    endpoint = process.env.SES_ENDPOINT;
  } else {
    const start = (await import("aws-ses-v2-local")).default;
    server = await start({ host: "127.0.0.1", port: 0 });
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.SES_ENDPOINT = endpoint;
  }
  process.env.PUBLIC_URL ??= "http://127.0.0.1:3000";
  process.env.SIGNING_SECRET ??= "integration-signing-secret-0123456789";
  process.env.EDITOR_TOKENS ??= "editor:test-editor-token-1234";
  process.env.MAIL_FROM ??= "The Harbour Gazette <news@example.org>";
  process.env.POSTAL_ADDRESS ??= "1 Quay Street, Harbourtown HT1 2AB";
  process.env.TABLE_NAME ??= "integration-email";
  process.env.MAIL_REPLY_TO = "letters@example.org";
  process.env.SES_CONFIGURATION_SET = "tidings-events";
  Config.reset();
  Email.resetClient();
});

afterAll(async () => {
  Email.resetClient();
  delete process.env.MAIL_REPLY_TO;
  delete process.env.SES_CONFIGURATION_SET;
  if (server) {
    delete process.env.SES_ENDPOINT;
    await new Promise<void>((resolve, reject) => server!.close((error) => (error ? reject(error) : resolve())));
  }
  Config.reset();
});

/** Each test its own recipient: files run in parallel against one emulator, whose store is never cleared. */
const recipient = () => `email-send-${randomUUID()}@example.com`;

async function storedFor(address: string): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  expect(response.status).toBe(200);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.destination.to.some((to) => to.includes(address)));
}

describe("send through SES", () => {
  it("delivers a confirmation email to its recipient, with SES's message id", async () => {
    const to = recipient();
    const confirmUrl = `http://127.0.0.1:3000/confirm?token=${randomUUID()}`;
    const rendered = Templates.confirmation({
      outletName: "The Harbour Gazette",
      confirmUrl,
      postalAddress: "1 Quay Street, Harbourtown HT1 2AB",
    });

    const { messageId } = await Email.send({ to, ...rendered });

    const [stored, ...more] = await storedFor(to);
    expect(more).toEqual([]);
    expect(stored).toMatchObject({
      messageId,
      subject: "Confirm your subscription to The Harbour Gazette",
      replyTo: ["letters@example.org"],
    });
    expect(stored!.from).toContain("news@example.org");
    expect(stored!.body.html).toContain(`href="${confirmUrl}"`);
    expect(stored!.body.text).toContain(confirmUrl);
  });

  it("delivers marketing mail with a non-ASCII subject and recipient name intact", async () => {
    const to = recipient();
    const subject = "Grüße aus dem Hafen — «Wochenrückblick» ✉";

    const { messageId } = await Email.send({
      to: { name: "Zoë Ñandú", address: to },
      subject,
      html: "<p>Diese Woche im Hafen</p>",
      text: "Diese Woche im Hafen",
      marketing: { unsubscribeUrl: `http://127.0.0.1:3000/api/unsubscribe?token=${randomUUID()}` },
      headers: { "X-Tidings-Delivery": "del_integration", "X-Tidings-Digest": "dig_integration" },
    });

    const [stored] = await storedFor(to);
    expect(stored).toMatchObject({ messageId, subject });
    expect(stored!.destination.to[0]).toContain("Zoë Ñandú");
    expect(stored!.body.text?.trim()).toBe("Diese Woche im Hafen");
  });

  it("sends nothing when a header is unsafe", async () => {
    const to = recipient();

    await expect(
      Email.send({ to, subject: "Hello\r\nBcc: victim@example.com", html: "<p>x</p>", text: "x" }),
    ).rejects.toThrow(Email.UnsafeHeaderError);

    expect(await storedFor(to)).toEqual([]);
  });
});
